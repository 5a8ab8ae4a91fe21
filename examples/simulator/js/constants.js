// Constants shared by the page's modules: the channel order and the two arms.

/** Channel order of `contacts` arrays in the simulation result (core CHANNELS). */
export const CHANNELS = ['call', 'sms', 'email', 'whatsapp', 'letter', 'visit', 'push'];
export const ARMS = [
  { key: 'champion', label: 'Champion', color: '#2563eb', fill: 'rgba(37, 99, 235, 0.85)', band: 'rgba(37, 99, 235, 0.16)', edge: 'rgba(37, 99, 235, 0.45)' },
  { key: 'challenger', label: 'Challenger', color: '#ea580c', fill: 'rgba(234, 88, 12, 0.85)', band: 'rgba(234, 88, 12, 0.16)', edge: 'rgba(234, 88, 12, 0.45)' },
];

/** Most replications the page asks for (the engine takes up to 100). */
export const MAX_REPLICATIONS = 50;

/** The decision tables the page lets one edit (the embedded `rules/tables/NAME.json`,
 * copied beside the page by assemble.sh as `tables/NAME.json`), the first shown first.
 * The shipped consumer policy reads both (`consumer_treatment` directly,
 * `collection_stage` through `common/stages`). */
export const TABLES = ['consumer_treatment', 'collection_stage'];
