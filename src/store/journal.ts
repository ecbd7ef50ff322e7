// The write-ahead journal beside the lowdb file: each group commit appends its changed documents
// as JSON lines and fsyncs, so a decision costs one small append instead of rewriting every open
// approval. The lowdb file is the snapshot; the journal is folded into it now and then (compaction).
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { StoreError } from './store.js';

// Untrusted until checked, like the snapshot: one changed document (absent `doc`: deleted), or one
// counter's whole log. Each entry states a whole value, so replaying an entry twice is harmless.
const JournalEntrySchema = z.union([
  z.strictObject({ c: z.string(), id: z.string(), doc: z.unknown().optional() }),
  z.strictObject({ counter: z.string(), log: z.strictObject({ at: z.array(z.number()), amount: z.array(z.number()) }) }),
]);
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

export class Journal {
  private file: FileHandle | undefined;

  constructor(readonly path: string) {}

  /** The entries written before a crash. A torn last line was never acknowledged, so it is dropped. */
  async replay(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StoreError('store_failed', `cannot read journal ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    const lines = text.split('\n');
    const complete = lines.slice(0, -1); // the part after the last newline is torn or empty
    return complete.map((line, i) => {
      let entry: z.ZodSafeParseResult<JournalEntry> | undefined;
      try {
        entry = JournalEntrySchema.safeParse(JSON.parse(line));
      } catch {
        // reported below
      }
      if (!entry?.success) throw new StoreError('store_corrupt', `journal ${this.path}:${i + 1} is not a valid entry`);
      return entry.data;
    });
  }

  async append(entries: JournalEntry[]): Promise<void> {
    this.file ??= await open(this.path, 'a', 0o600);
    await this.file.appendFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await this.file.datasync();
  }

  /** Empties the journal once the snapshot holds everything in it. */
  async reset(): Promise<void> {
    this.file ??= await open(this.path, 'a', 0o600);
    await this.file.truncate(0);
    await this.file.sync();
  }

  async close(): Promise<void> {
    await this.file?.close();
    this.file = undefined;
  }
}
