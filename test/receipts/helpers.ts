// A small real ledger that obeys the format (a permit, then its complete), written by the real writer
// with a real key, for tests that alter its bytes or add forged receipts and expect verification to fail.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../../src/ledger/index.js';
import type { ReceiptBody, ReceiptDraft } from '../../src/receipts/index.js';
import { keyringOf, silentLog, tempDir, testSigner } from '../ledger/helpers.js';

export const signer = testSigner('receipts-format');
export const keyring = keyringOf({ signer });
export const SEGMENT = 'receipts-000000000000.jsonl';

const sha = (c: string) => c.repeat(64);

/** A call receipt draft as the gate writes it for `event` (permit unless said otherwise). */
export function callDraft(event: 'permit' | 'complete' | 'fail' = 'permit', callId = 'call_1', extra: Partial<ReceiptDraft> = {}): ReceiptDraft {
  return {
    event,
    call: { id: callId, session: 's1', rpc_id: 1, server: 'fs', tool: 'read_file', tool_sha256: null, args_sha256: sha('a') },
    principal: { id: 'agent:ci', groups: [] },
    policy: { bundle_sha256: sha('b'), rules: ['fs-read'], effect: 'permit', reason: 'allowed by rule fs-read' },
    ...extra,
  } as ReceiptDraft;
}

/** A whole body around a draft, as the ledger would complete it (at seq 3 of a made-up chain). */
export function bodyOf(draft: ReceiptDraft): ReceiptBody {
  return {
    ...draft,
    v: 1,
    id: 'rcpt_01KAQ5XG7N3M9ZP2R4T6V8W0YB',
    ts: '2026-03-04T05:06:07.089Z',
    issuer: { id: 'gate', key_id: signer.keyId },
    chain: { id: 'chain_x', seq: 3, prev: sha('9') },
  } as ReceiptBody;
}

/** Write drafts through the real ledger; each draft may use the leaf hashes of those before it. */
export async function writeLedger(drafts: Array<(leaves: string[]) => ReceiptDraft>): Promise<string> {
  const dir = tempDir();
  const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
  const leaves: string[] = [];
  for (const make of drafts) leaves.push((await ledger.append(make(leaves))).leafHash);
  await ledger.close();
  return dir;
}

/** A permit and its complete: a ledger every rule of the format accepts. */
export function permitThenComplete(): Promise<string> {
  return writeLedger([
    () => callDraft('permit'),
    ([permit]) => callDraft('complete', 'call_1', { ref: permit!, result: { sha256: sha('c'), is_error: false } }),
  ]);
}

/** Rewrite line `n` (1-based) of the first segment. */
export function editLine(dir: string, n: number, edit: (line: string) => string): void {
  const path = join(dir, SEGMENT);
  const lines = readFileSync(path, 'utf8').split('\n');
  lines[n - 1] = edit(lines[n - 1]!);
  writeFileSync(path, lines.join('\n'));
}
