// Shared setup for the governance tests: temporary folders, a real ledger written at chosen times
// (only Date is faked, so group commit and fsync run for real), receipt drafts shaped like the
// gate's, reviewers with and without the break-glass right, and the built CLI.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, vi } from 'vitest';
import { EVENT_KINDS } from '../../src/core/events.js';
import { ReviewerDirectory } from '../../src/approvals/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { canonicalSha256, signerFromSeed, type ReceiptDraft } from '../../src/receipts/index.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const silentLog = pino({ level: 'silent' });
export const signer = signerFromSeed(createHash('sha256').update('governance').digest());
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-gov-'));
  dirs.push(dir);
  return dir;
}

export const reviewerConfigs = [
  { id: 'user:olga', token_sha256: sha256('olga-token'), groups: ['sre'], rights: ['break-glass'] },
  { id: 'user:rick', token_sha256: sha256('rick-token'), groups: ['sre'], rights: [] },
  { id: 'user:sam', token_sha256: sha256('sam-token'), groups: ['sre'], rights: ['break-glass'] },
  { id: 'user:tess', token_sha256: sha256('tess-token'), groups: ['security'], rights: ['break-glass'] },
];
export const reviewers = new ReviewerDirectory(reviewerConfigs);

export interface DraftSpec {
  event: ReceiptDraft['event'];
  call: string;
  surface?: string;
  principal?: string;
  effect?: string;
  rules?: string[];
  approval?: string;
  args?: Record<string, unknown>;
  bundle?: string;
  breakGlass?: { id: string; opened_by: string; reason: string };
}

/**
 * A call receipt draft as the gate would hand it to the ledger, with the fields its event requires
 * (docs/receipts.md §1): a hold's end and an execution name the receipt they follow (`ref`, made up
 * here), a complete the hash of a result.
 */
export function callDraft(s: DraftSpec): ReceiptDraft {
  const [server, tool] = (s.surface ?? 'fs/read_file').split('/') as [string, string];
  const kind = EVENT_KINDS[s.event];
  const effect = s.effect ?? (kind === 'hold_end' || kind === 'vote' ? 'hold' : kind === 'execution' ? 'permit' : s.event);
  return {
    event: s.event as 'permit',
    call: { id: s.call, session: 's1', rpc_id: 1, server, tool, tool_sha256: null, args_sha256: canonicalSha256(s.args ?? {}) },
    principal: { id: s.principal ?? 'agent:ci' },
    policy: { bundle_sha256: s.bundle ?? 'b'.repeat(64), rules: s.rules ?? [], effect, reason: 'test' },
    ...(s.approval ? { approval: { id: s.approval, approvers: ['group:sre'] } } : {}),
    ...(s.breakGlass ? { break_glass: s.breakGlass } : {}),
    ...(kind === 'hold_end' || kind === 'vote' || kind === 'execution' ? { ref: canonicalSha256({ follows: s.call }) } : {}),
    ...(s.event === 'complete' ? { result: { sha256: canonicalSha256({ result: s.call }), is_error: false } } : {}),
  };
}

export async function openLedger(dir: string): Promise<Ledger> {
  return Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
}

/** Appends each draft at its time through the real Ledger (Date faked, nothing else). */
export async function writeAt(ledger: Ledger, steps: Array<[at: string, draft: ReceiptDraft]>): Promise<void> {
  vi.useFakeTimers({ toFake: ['Date'] });
  for (const [at, draft] of steps) {
    vi.setSystemTime(new Date(at));
    await ledger.append(draft);
  }
  vi.useRealTimers();
}

/** Builds once per test file (other areas may be mid-change: tsc still emits). */
export { requireBuiltCli as buildCli, toolgate } from '../fixtures/cli.js';
