// `ledger verify --witnesses N [--online]`: checks of a ledger (already verified on its own) against
// what witnesses cosigned. Offline: every stored cosigned checkpoint must be of this ledger as it is
// now (not larger, same root at its size), and the latest checkpoint must carry N cosignatures by
// keyring witnesses. Online: each witness's own latest cosigned checkpoint must be too. A ledger cut
// back, with or without its checkpoint and cosignature lines, or forked, fails one of these.
import { checkpointRecords, ledgerRootAt, parseCheckpoint, verifyCheckpoint } from '../ledger/index.js';
import type { Keyring } from '../receipts/index.js';
import { fetchCosigned } from './client.js';
import { parseVkey, verifyCosignatures, type Cosignature, type WitnessKey } from './cosignature.js';
import { readCosigned } from './cosigned-log.js';

export interface WitnessedReport {
  problems: string[];
  /** The latest checkpoint's size and the witnesses that cosigned it. */
  latest: { size: number; cosigners: string[] } | null;
}

export interface WitnessedOptions {
  quorum: number;
  /** Receipts in the ledger, as `verifyLedger` counted them. */
  receipts: number;
  /** Witness URLs to ask for their latest cosigned checkpoint. */
  online?: readonly string[];
  timeoutMs?: number;
}

const when = (c: Cosignature) => new Date(c.timestamp * 1000).toISOString();

/** A cosigned checkpoint against the ledger: the problem, if any. */
async function againstLedger(dir: string, note: string, by: Cosignature[], receipts: number, stored: Set<string>): Promise<string | null> {
  const { checkpoint, text } = parseCheckpoint(note);
  const who = `witness ${by.map((c) => `${c.witness} (${when(c)})`).join(', ')}`;
  if (checkpoint.size > receipts) {
    return `${who} cosigned a checkpoint of ${checkpoint.size} receipts, but the ledger holds ${receipts}: receipts were removed from the end`;
  }
  if (stored.has(text)) return null; // `ledger verify` matched its root against the receipts
  if (!(await ledgerRootAt(dir, checkpoint.size)).equals(checkpoint.root)) {
    return `${who} cosigned a checkpoint of ${checkpoint.size} receipts whose root the ledger's receipts do not hash to: the ledger was rewritten (a fork)`;
  }
  return null;
}

export async function verifyWitnessed(dir: string, keyring: Keyring, opts: WitnessedOptions): Promise<WitnessedReport> {
  const problems: string[] = [];
  const witnesses: WitnessKey[] = (keyring.file.witnesses ?? []).map(parseVkey);
  if (witnesses.length < opts.quorum)
    problems.push(`the keyring names ${witnesses.length} witnesses, fewer than the ${opts.quorum} required (add their vkeys to "witnesses")`);
  const records = await checkpointRecords(dir);
  const stored = new Set(records.map((r) => parseCheckpoint(r.note).text));
  const latest = records.at(-1) && parseCheckpoint(records.at(-1)!.note);
  const cosigners = new Set<string>();
  for (const [i, record] of readCosigned(dir).entries()) {
    const where = `cosignatures.jsonl:${i + 1}`;
    let by: Cosignature[];
    try {
      verifyCheckpoint(record.note, keyring);
      by = verifyCosignatures(record.text, record.signatures, witnesses);
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`);
      continue;
    }
    if (!by.length) continue;
    const problem = await againstLedger(dir, record.note, by, opts.receipts, stored);
    if (problem) problems.push(`${where}: ${problem}`);
    if (latest && record.text === latest.text) for (const c of by) cosigners.add(c.witness);
  }
  if (latest && cosigners.size < opts.quorum) {
    problems.push(`the latest checkpoint (${latest.checkpoint.size} receipts) carries ${cosigners.size} valid witness cosignatures, ${opts.quorum} required`);
  }
  if (opts.online && latest) await askWitnesses(dir, keyring, witnesses, latest.checkpoint.origin, opts, stored, problems);
  return { problems, latest: latest ? { size: latest.checkpoint.size, cosigners: [...cosigners].sort() } : null };
}

async function askWitnesses(
  dir: string,
  keyring: Keyring,
  witnesses: WitnessKey[],
  origin: string,
  opts: WitnessedOptions,
  stored: Set<string>,
  problems: string[],
) {
  for (const url of opts.online ?? []) {
    try {
      const note = await fetchCosigned(url, origin, opts.timeoutMs ?? 10_000);
      if (note === null) {
        problems.push(`witness ${url} has cosigned nothing of log ${origin}`);
        continue;
      }
      verifyCheckpoint(note, keyring);
      const { text, signatures } = parseCheckpoint(note);
      const by = verifyCosignatures(text, signatures, witnesses);
      if (!by.length) problems.push(`witness ${url} answered without a cosignature by a keyring witness`);
      const problem = by.length ? await againstLedger(dir, note, by, opts.receipts, stored) : null;
      if (problem) problems.push(`online: ${problem}`);
    } catch (err) {
      problems.push(`cannot check with witness ${url}: ${(err as Error).message}`);
    }
  }
}
