// `recobro` (Node and bundlers): ready on import.
export * from './api';
