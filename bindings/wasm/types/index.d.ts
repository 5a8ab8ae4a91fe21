// `recobro` (Node and bundlers): ready on import.
export * from './api.js';
/** A no-op: under Node and bundlers the module is loaded on import (present so code
 * can be written once for every host). */
export declare function init(): Promise<void>;
