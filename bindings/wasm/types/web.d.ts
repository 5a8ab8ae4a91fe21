// `recobro/web` (browsers without a bundler): `await init()` once, then use the API.
export * from './api';
