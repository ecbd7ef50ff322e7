// When a watched policy folder changes, the files may still be being written. A reload must never
// take effect from a file caught mid-write: the part already written can be valid YAML that lacks
// the rules after the cut. These checks tell a settled set of files from one still being written.
import { stat } from 'node:fs/promises';
import type { PolicyBundle, PolicySource } from './bundle.js';
import { readPolicySources, resolvePolicyFiles } from './load.js';

/** How a watched reload waits for writers. */
export interface SettleOptions {
  /** The files must stay unchanged this long before they are read (default 300 ms). */
  settleMs?: number;
  /** A reload that removes rules waits until the files have stayed unchanged this long (default 3 s). */
  removalHoldMs?: number;
}

export const DEFAULT_SETTLE_MS = 300;
export const DEFAULT_REMOVAL_HOLD_MS = 3_000;

export type SettledRead = { settled: true; sources: PolicySource[] } | { settled: false; why: string };

async function fingerprint(files: readonly string[]): Promise<string> {
  const stats = await Promise.all(files.map((f) => stat(f, { bigint: true })));
  return stats.map((s, i) => `${files[i]}:${s.ino}:${s.size}:${s.mtimeNs}`).join('\n');
}

/**
 * Reads the policy files, or says why they look unfinished: a file that changed while it was being
 * read, or an empty file, or one whose last line has no newline (a write cut inside a line).
 */
export async function readSettled(patterns: readonly string[], cwd: string | undefined): Promise<SettledRead> {
  const changed: SettledRead = { settled: false, why: 'the policy files changed while they were being read' };
  const files = await resolvePolicyFiles(patterns, cwd);
  const before = await fingerprint(files).catch(() => undefined);
  const sources = await readPolicySources(patterns, cwd);
  if (
    before === undefined ||
    sources.length !== files.length ||
    sources.some((s, i) => s.file !== files[i]) ||
    before !== (await fingerprint(files).catch(() => undefined))
  )
    return changed;
  const cut = sources.find((s) => s.text === '' || !s.text.endsWith('\n'));
  if (cut) return { settled: false, why: `${cut.file} is empty or does not end with a newline, as a file still being written` };
  return { settled: true, sources };
}

/** Ids of the rules in force that the next bundle no longer has. */
export function removedRules(current: PolicyBundle, next: PolicyBundle): string[] {
  const kept = new Set(next.rules.map((r) => r.id));
  return current.rules.map((r) => r.id).filter((id) => !kept.has(id));
}
