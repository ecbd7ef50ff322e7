// The embedded Store: one JSON file managed by lowdb, plus a write-ahead journal beside it.
// Mutations apply to memory synchronously (so each one is atomic in this process) and are then
// persisted with group commit: every mutation made before a journal append starts rides on that
// append, and its promise resolves when the append is fsynced. When the journal outgrows the
// snapshot, the whole state is written through lowdb (atomically) and the journal emptied.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import type { ChargeResult, LimitCharge } from '../core/call.js';
import { applyCharges } from './counters.js';
import { FieldIndex } from './field-index.js';
import { Journal, type JournalEntry } from './journal.js';
import { DurableJsonFile } from './durable-file.js';
import { StoreError, type Match, type Mutation, type Store } from './store.js';

// Untrusted until checked: the file may have been edited by hand or cut short by a full disk.
const StateFileSchema = z.strictObject({
  version: z.literal(1),
  collections: z.record(z.string(), z.record(z.string(), z.unknown())),
  counters: z.record(z.string(), z.strictObject({ at: z.array(z.number()), amount: z.array(z.number()) })),
});
type StateFile = z.infer<typeof StateFileSchema>;

export async function openLowdbStore(path: string): Promise<Store> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StoreError('store_failed', `cannot create the store's folder ${dirname(path)}: ${(err as Error).message}`, { cause: err });
  }
  const db = new Low<StateFile>(new DurableJsonFile<StateFile>(path), { version: 1, collections: {}, counters: {} });
  await db.read();
  const parsed = StateFileSchema.safeParse(db.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError('store_corrupt', `store ${path}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message}`);
  }
  db.data = parsed.data;
  const journal = new Journal(`${path}.journal`);
  const entries = await journal.replay();
  for (const entry of entries) applyEntry(db.data, entry);
  for (const docs of Object.values(db.data.collections)) for (const doc of Object.values(docs)) deepFreeze(doc);
  if (entries.length > 0) {
    await db.write();
    await journal.reset();
  }
  return new LowdbStore(db, journal, path);
}

function applyEntry(data: StateFile, entry: JournalEntry): void {
  if ('counter' in entry) data.counters[entry.counter] = entry.log;
  else if (entry.doc === undefined) delete data.collections[entry.c]?.[entry.id];
  else (data.collections[entry.c] ??= {})[entry.id] = entry.doc;
}

/** Compact when the journal holds more entries than this, or than the snapshot has documents. */
const MIN_COMPACTION = 1_000;

class LowdbStore implements Store {
  private queued: Promise<void> | null = null;
  private inflight: Promise<void> = Promise.resolve();
  /** Set when a write failed: memory is then ahead of the file, so everything is refused (fail closed). */
  private failure: StoreError | null = null;
  private closed = false;
  /** Changes not yet handed to a journal append. */
  private batch: JournalEntry[] = [];
  private journalled = 0;
  private readonly indexes = new Map<string, FieldIndex>();

  constructor(
    private readonly db: Low<StateFile>,
    private readonly journal: Journal,
    private readonly path: string,
  ) {}

  async get(collection: string, id: string): Promise<unknown | undefined> {
    this.assertUsable();
    return this.db.data.collections[collection]?.[id];
  }

  async find(collection: string, match: Match): Promise<unknown[]> {
    this.assertUsable();
    const docs = (this.db.data.collections[collection] ??= {});
    const [first, ...rest] = Object.entries(match);
    if (!first) return Object.values(docs);
    let index = this.indexes.get(collection);
    if (!index) this.indexes.set(collection, (index = new FieldIndex(docs)));
    const found = [...index.ids(first[0], first[1])].map((id) => docs[id] as Record<string, unknown>);
    return found.filter((doc) => rest.every(([k, v]) => doc[k] === v));
  }

  async update(collection: string, id: string, mutation: Mutation): Promise<unknown | undefined> {
    this.assertUsable();
    const docs = (this.db.data.collections[collection] ??= {});
    const current = docs[id];
    const next = mutation(current);
    if (next === current) return current;
    if (next === undefined) delete docs[id];
    else docs[id] = deepFreeze(structuredClone(next));
    this.indexes.get(collection)?.change(id, current, docs[id]);
    this.batch.push({ c: collection, id, doc: docs[id] });
    await this.persist();
    return docs[id];
  }

  async charge(charges: LimitCharge[], now: Date): Promise<ChargeResult> {
    this.assertUsable();
    if (charges.length === 0) return { ok: true, charged: [] };
    const result = applyCharges(this.db.data.counters, charges, now);
    if (!result.ok) return result;
    for (const key of new Set(charges.map((c) => c.key))) this.batch.push({ counter: key, log: this.db.data.counters[key]! });
    await this.persist();
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inflight;
    await this.journal.close();
  }

  private assertUsable(): void {
    if (this.closed) throw new StoreError('store_closed', `store ${this.path} is closed`);
    if (this.failure) throw this.failure;
  }

  /** Group commit: join the write that has not started yet, or queue one behind the running one. */
  private persist(): Promise<void> {
    if (this.queued) return this.queued;
    const write = this.inflight.then(() => {
      this.queued = null;
      return this.commit();
    });
    this.queued = write;
    this.inflight = write.catch((err: unknown) => {
      this.failure = new StoreError('store_failed', `store ${this.path}: write failed, refusing further changes until restart: ${(err as Error).message}`, {
        cause: err,
      });
    });
    return write.catch((err: unknown) => {
      throw this.failure ?? err;
    });
  }

  /** Appends the batch to the journal, or folds everything into the snapshot when the journal is long. */
  private async commit(): Promise<void> {
    const entries = this.batch;
    this.batch = [];
    this.journalled += entries.length;
    const documents = Object.values(this.db.data.collections).reduce((n, docs) => n + Object.keys(docs).length, 0);
    if (this.journalled <= Math.max(MIN_COMPACTION, documents)) return this.journal.append(entries);
    await this.db.write();
    await this.journal.reset();
    this.journalled = 0;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
