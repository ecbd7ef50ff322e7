// Opens the store the config names. Only the embedded lowdb backend exists so far: a config that
// asks for PostgreSQL is refused at startup rather than silently served from a local file.
import type { Config } from '../config/index.js';
import { openLowdbStore } from './lowdb-store.js';
import { StoreError, type Store } from './store.js';

export function openStore(config: Config['store']): Promise<Store> {
  if (config.kind === 'lowdb') return openLowdbStore(config.path);
  return Promise.reject(new StoreError('store_failed', 'store.kind postgres is not available in this version: use kind: lowdb'));
}
