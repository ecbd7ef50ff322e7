// Two verifiers, one written from docs/receipts.md alone (independent-verifier.mjs: one plain file,
// node:crypto, no toolgate code), agree with toolgate's on every vector: the same verdict, the same
// code, and for ledgers the same file, line and seq of the first bad entry.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/index.js';
import { Keyring, parseEnvelopeJson, parseJsonText, verifyHeld, verifyReceipt } from '../../src/receipts/index.js';
import { tempDir } from '../ledger/helpers.js';

const vectors = join(dirname(fileURLToPath(import.meta.url)), '../vectors');
const keyringFile = join(vectors, 'keyring.json');
const keyring = Keyring.load(keyringFile);
const independent = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'independent-verifier.mjs'), ...args, keyringFile], { encoding: 'utf8' }),
  );

type Problem = { file: string; line?: number; seq?: number; code: string };
const place = (p: Problem | undefined) => p && { file: relative(vectors, p.file), line: p.line, seq: p.seq, code: p.code };

describe('the independent verifier and toolgate', () => {
  const ledgers = ['ledger', ...readdirSync(vectors).filter((n) => n.startsWith('tampered-') || n.startsWith('forged-'))];

  it.each(ledgers)('agree on the ledger %s', async (name) => {
    const theirs = independent('ledger', join(vectors, name)) as { ok: boolean; problem?: Problem };
    const ours = await verifyLedger(join(vectors, name), keyring);
    expect({ ok: theirs.ok, problem: place(theirs.problem) }).toEqual({ ok: ours.ok, problem: place(ours.problem) });
    expect(ours.ok).toBe(name === 'ledger');
  });

  it('agree on every single receipt, valid and forged', () => {
    const entries = JSON.parse(readFileSync(join(vectors, 'forged/receipts.json'), 'utf8')) as Array<{ name: string; text: string; valid: boolean }>;
    const file = join(tempDir(), 'texts.json');
    writeFileSync(file, JSON.stringify(entries.map((e) => e.text)));
    const theirs = independent('receipts', file) as Array<{ ok: boolean; code?: string }>;
    const ours = entries.map(({ text }) => {
      try {
        verifyReceipt(parseEnvelopeJson(text), keyring);
        return { ok: true };
      } catch (err) {
        return { ok: false, code: (err as { code: string }).code };
      }
    });
    const verdicts = (list: Array<{ ok: boolean; code?: string }>) => entries.map((e, i) => `${e.name}: ${list[i]!.ok ? 'ok' : list[i]!.code}`);
    expect(verdicts(theirs)).toEqual(verdicts(ours));
    expect(ours.map((o) => o.ok)).toEqual(entries.map((e) => e.valid));
  });

  it('agree on what a client holds: results and errors with their receipts, valid and changed', () => {
    const entries = JSON.parse(readFileSync(join(vectors, 'held.json'), 'utf8')) as Array<{ name: string; text: string; valid: boolean }>;
    const file = join(tempDir(), 'held.json');
    writeFileSync(file, JSON.stringify(entries.map((e) => e.text)));
    const theirs = independent('held', file) as Array<{ ok: boolean; code?: string; bound?: boolean }>;
    const ours = entries.map(({ text }) => {
      try {
        return { ok: true, bound: verifyHeld(parseJsonText(text), keyring).bound };
      } catch (err) {
        return { ok: false, code: (err as { code: string }).code };
      }
    });
    const verdicts = (list: Array<{ ok: boolean; code?: string; bound?: boolean }>) =>
      entries.map((e, i) => `${e.name}: ${list[i]!.ok ? (list[i]!.bound ? 'ok, bound' : 'ok, binds nothing') : list[i]!.code}`);
    expect(verdicts(theirs)).toEqual(verdicts(ours));
    expect(ours.map((o) => o.ok)).toEqual(entries.map((e) => e.valid));
  });
});
