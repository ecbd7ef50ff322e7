// Where pin sets live: a small seam keyed by upstream identity, implemented over the shared Store
// (one "pins" collection, one document per identity), so pins follow the store's backend and its
// atomic, durable read-modify-write.
import type { Store } from '../store/index.js';
import { PinError } from './errors.js';
import { UpstreamPinsSchema, type UpstreamPins } from './record.js';

export interface PinStore {
  get(identity: string): Promise<UpstreamPins | undefined>;
  list(): Promise<UpstreamPins[]>;
  /** Atomic read-modify-write of one identity's pin set; `change` must be synchronous and pure. */
  update(identity: string, change: (current: UpstreamPins | undefined) => UpstreamPins | undefined): Promise<UpstreamPins | undefined>;
}

const COLLECTION = 'pins';

export function pinStoreOn(store: Store): PinStore {
  // Parsed records by stored document: the store hands out frozen documents and replaces them on
  // every write, so a document seen before needs no second parse (the gateway assesses on every listing).
  const parsed = new WeakMap<object, UpstreamPins>();
  const read = (identity: string, doc: unknown): UpstreamPins | undefined => {
    if (doc === undefined) return undefined;
    const hit = typeof doc === 'object' && doc !== null ? parsed.get(doc) : undefined;
    if (hit) return hit;
    const record = parseRecord(identity, doc);
    if (typeof doc === 'object' && doc !== null && Object.isFrozen(doc)) parsed.set(doc, record);
    return record;
  };
  return {
    async get(identity) {
      return read(identity, await store.get(COLLECTION, identity));
    },
    async list() {
      const docs = await store.find(COLLECTION, {});
      return docs.map((doc) => read('(listing)', doc)).filter((r): r is UpstreamPins => r !== undefined);
    },
    async update(identity, change) {
      const next = await store.update(COLLECTION, identity, (current) => {
        const before = read(identity, current);
        const after = change(before);
        return after === before ? current : after;
      });
      return read(identity, next);
    },
  };
}

function parseRecord(identity: string, doc: unknown): UpstreamPins {
  const parsed = UpstreamPinsSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PinError('pin_record_corrupt', `stored pins of identity ${identity}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message}`);
  }
  return parsed.data;
}
