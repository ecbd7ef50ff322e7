// A lowdb adapter that makes a write durable before its promise resolves: the JSON goes to a
// temporary file that is fsynced, renamed over the target, and the folder is fsynced so the
// rename itself survives a power cut. A reader never sees a half-written file.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { StoreError } from './store.js';

export class DurableJsonFile<T> implements Adapter<T> {
  private readonly temp: string;

  constructor(private readonly path: string) {
    this.temp = join(dirname(path), `.${basename(path)}.tmp`);
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreError('store_failed', `cannot read store ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new StoreError('store_corrupt', `store ${this.path} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.temp, 'w', 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(this.temp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
