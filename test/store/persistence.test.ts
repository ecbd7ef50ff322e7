import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/index.js';
import { tempPath } from '../approvals/fixtures.js';
import { lowdbStore } from '../fixtures/stores.js';

describe('lowdb store', () => {
  it('keeps documents across a re-open, and a write is on disk when its promise resolves', async () => {
    const path = tempPath();
    const store = await lowdbStore(path);
    await store.update('things', 'a', () => ({ id: 'a', n: 1 }));
    // No close(): as if the process died right after the write was acknowledged.
    const reopened = await lowdbStore(path);
    expect(await reopened.get('things', 'a')).toEqual({ id: 'a', n: 1 });
    // Opening folded the journal into the lowdb file.
    expect(JSON.parse(readFileSync(path, 'utf8')).collections.things.a).toEqual({ id: 'a', n: 1 });
    expect(readFileSync(`${path}.journal`, 'utf8')).toBe('');
    expect(readdirSync(dirname(path)).sort()).toEqual(['state.json', 'state.json.journal']);
  });

  it('drops a torn last journal line (never acknowledged) and refuses a corrupt one in the middle', async () => {
    const path = tempPath();
    const store = await lowdbStore(path);
    await store.update('t', 'a', () => ({ n: 1 }));
    appendFileSync(`${path}.journal`, '{"c":"t","id":"b","doc":{"n"');
    expect(await (await lowdbStore(path)).find('t', {})).toEqual([{ n: 1 }]);
    writeFileSync(`${path}.journal`, 'garbage\n{"c":"t","id":"c","doc":{}}\n');
    await expect(lowdbStore(path)).rejects.toThrow(`${path}.journal:1`);
  });

  it('folds a long journal into the lowdb file', async () => {
    const path = tempPath();
    const store = await lowdbStore(path);
    await Promise.all(Array.from({ length: 1_100 }, (_, i) => store.update('t', `d${i % 10}`, () => ({ i }))));
    expect(JSON.parse(readFileSync(path, 'utf8')).collections.t.d9).toEqual({ i: 1099 });
    expect(readFileSync(`${path}.journal`, 'utf8')).toBe('');
    await store.update('t', 'd0', () => ({ i: -1 }));
    expect(await (await lowdbStore(path)).get('t', 'd0')).toEqual({ i: -1 });
  });

  it('finds by field equality and deletes when the mutation returns undefined', async () => {
    const store = await lowdbStore(tempPath());
    await Promise.all([
      store.update('t', '1', () => ({ k: 'x', v: 1 })),
      store.update('t', '2', () => ({ k: 'y', v: 2 })),
      store.update('t', '3', () => ({ k: 'x', v: 3 })),
    ]);
    expect((await store.find('t', { k: 'x' })).map((d) => (d as { v: number }).v).sort()).toEqual([1, 3]);
    await store.update('t', '1', () => undefined);
    expect(await store.find('t', { k: 'x' })).toEqual([{ k: 'x', v: 3 }]);
  });

  it('applies a mutation over the current version only (compare-and-set)', async () => {
    const store = await lowdbStore(tempPath());
    await store.update('t', 'c', () => ({ rev: 0 }));
    const bump = (expected: number) => (cur: unknown) => ((cur as { rev: number }).rev === expected ? { rev: expected + 1 } : cur);
    const results = await Promise.all([store.update('t', 'c', bump(0)), store.update('t', 'c', bump(0))]);
    expect(results).toEqual([{ rev: 1 }, { rev: 1 }]);
    expect(await store.get('t', 'c')).toEqual({ rev: 1 });
  });

  it('hands out documents that callers cannot change behind its back', async () => {
    const store = await lowdbStore(tempPath());
    const doc = (await store.update('t', 'f', () => ({ list: [1] }))) as { list: number[] };
    expect(() => doc.list.push(2)).toThrow();
  });

  it('refuses a corrupt or foreign state file with its path', async () => {
    const path = tempPath();
    writeFileSync(path, '{"version": 1, "collections": ');
    await expect(lowdbStore(path)).rejects.toThrow(/not valid JSON/);
    writeFileSync(path, JSON.stringify({ version: 2, collections: {}, counters: {} }));
    await expect(lowdbStore(path)).rejects.toBeInstanceOf(StoreError);
    await expect(lowdbStore(path)).rejects.toThrow(path);
  });
});
