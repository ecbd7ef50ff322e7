// The replay result as text or JSON. In shadow mode the changes are also counted by transition
// ("deny -> permit") per surface, which is what a reviewer of a policy change reads first.
import type { ReplayResult } from './replay.js';

export function formatReplay(r: ReplayResult, format: 'text' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const out = [
    `replay (${r.mode === 'shadow' ? 'shadow: candidate bundle' : 'archived bundles'}) ${r.period.since} .. ${r.period.until}, seed ${r.seed}`,
    `decision receipts: ${r.considered}, with evidence: ${r.with_evidence}, sampled: ${r.sampled}`,
    r.mode === 'shadow' ? `unchanged: ${r.same}, would change: ${r.differences.length}` : `reproduced: ${r.same}, did not reproduce: ${r.differences.length}`,
  ];
  if (r.mode === 'shadow' && r.differences.length) {
    const counts = new Map<string, number>();
    for (const d of r.differences) {
      const key = `${d.surface}: ${d.recorded.effect} -> ${d.replayed.effect}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    out.push('', 'changes by surface:', ...[...counts].sort().map(([k, n]) => `  ${k}: ${n}`));
  }
  if (r.differences.length) {
    out.push('', r.mode === 'shadow' ? 'would change:' : 'did not reproduce:');
    for (const d of r.differences) {
      const rules = (list: string[]) => `[${list.join(', ')}]`;
      out.push(
        `  ${d.receipt_id} ${d.ts} ${d.surface} ${d.principal}: ${d.recorded.effect} ${rules(d.recorded.rules)} -> ${d.replayed.effect} ${rules(d.replayed.rules)}${forwarded(d)} (${d.replayed.reason})`,
      );
    }
  }
  if (r.problems.length) out.push('', 'could not replay:', ...r.problems.map((p) => `  ${p.receipt_id}: ${p.problem}`));
  return `${out.join('\n')}\n`;
}

/** A permit whose forwarded (constrained) arguments would come out different says so. */
function forwarded(d: ReplayResult['differences'][number]): string {
  const { effective_args_sha256: was } = d.recorded;
  const now = d.replayed.effective_args_sha256;
  return was && now && was !== now ? `, forwarded arguments ${was.slice(0, 12)}… -> ${now.slice(0, 12)}…` : '';
}
