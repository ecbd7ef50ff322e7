// Mutable state behind one small interface; lowdb (one JSON file plus its journal) is the embedded backend.
export type { Store } from './store.js';
export { StoreError } from './store.js';
export { openLowdbStore } from './lowdb-store.js';
export { openStore } from './open.js';
