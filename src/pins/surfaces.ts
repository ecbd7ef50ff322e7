// The surface registry: every (upstream, tool) with its annotations, pin state and the policy
// rules that cover it, plus the gaps a review should close: surfaces no rule mentions (every call
// to them is SILENCE, or the default effect) and rules that match no existing surface.
import type { PinAction, PinState, ToolPinStatus } from './assess.js';
import type { RuleCoverage, RuleRef, RuleSummary } from './coverage.js';
import type { Flag } from './vet.js';

export interface Surface {
  upstream: string;
  tool: string;
  title: string | null;
  annotations: Record<string, unknown>;
  pinState: PinState;
  action: PinAction;
  pin: string | null;
  rules: RuleRef[];
  /** No rule mentions this surface. */
  uncovered: boolean;
  flags: Flag[];
}

export interface SurfaceReport {
  surfaces: Surface[];
  /** Rules whose match names no surface that exists now. */
  unusedRules: RuleSummary[];
  /** Upstreams whose tools could not be listed. */
  unavailable: Array<{ upstream: string; error: string }>;
  defaultEffect: string | null;
}

export interface SurfaceInput {
  upstreams: Array<{ upstream: string; statuses: readonly ToolPinStatus[] } | { upstream: string; error: string }>;
  coverage: RuleCoverage;
}

export function surfaceReport({ upstreams, coverage }: SurfaceInput): SurfaceReport {
  const surfaces: Surface[] = [];
  const unavailable: SurfaceReport['unavailable'] = [];
  const used = new Set<string>();
  for (const entry of upstreams) {
    if ('error' in entry) {
      unavailable.push(entry);
      continue;
    }
    for (const status of entry.statuses) {
      const rules = coverage.rulesCovering(entry.upstream, status.definition?.name ?? status.tool);
      for (const rule of rules) used.add(rule.id);
      surfaces.push({
        upstream: entry.upstream,
        tool: status.tool,
        title: status.definition?.title ?? null,
        annotations: status.definition?.annotations ?? {},
        pinState: status.state,
        action: status.action,
        pin: status.pin,
        rules,
        uncovered: rules.length === 0,
        flags: status.flags,
      });
    }
  }
  // With an upstream unavailable, a rule may well cover one of its tools: only judge complete catalogs.
  const unusedRules = unavailable.length ? [] : coverage.allRules().filter((r) => !used.has(r.id));
  return { surfaces, unusedRules, unavailable, defaultEffect: coverage.defaultEffect ?? null };
}

/** The report as text for a terminal. */
export function renderSurfaceReport(report: SurfaceReport): string {
  const out: string[] = [];
  const silent = report.defaultEffect ? `default effect ${report.defaultEffect}` : 'SILENCE: every call refused';
  for (const s of report.surfaces) {
    const hints = Object.entries(s.annotations)
      .filter(([k]) => k.endsWith('Hint'))
      .map(([k, v]) => `${k.replace(/Hint$/, '')}=${String(v)}`);
    const rules = s.uncovered ? `UNCOVERED (${silent})` : `rules: ${s.rules.map((r) => `${r.id} (${r.effect})`).join(', ')}`;
    out.push(
      `${s.upstream}/${s.tool}  pin: ${s.pinState}${s.action === 'expose' ? '' : ` -> ${s.action}`}  ${rules}${hints.length ? `  [${hints.join(' ')}]` : ''}`,
    );
    for (const f of s.flags) out.push(`    flagged ${f.code}: ${f.detail}`);
  }
  if (!report.surfaces.length) out.push('(no surfaces)');
  for (const r of report.unusedRules)
    out.push(`UNUSED RULE ${r.id} (${r.where}): matches no surface (server ${r.servers.join('|')}, tool ${r.tools.join('|')})`);
  for (const u of report.unavailable) out.push(`UNAVAILABLE ${u.upstream}: ${u.error} (its surfaces are not listed; unused rules are not judged)`);
  const uncovered = report.surfaces.filter((s) => s.uncovered).length;
  out.push(
    `${report.surfaces.length} surfaces, ${uncovered} uncovered, ${report.unusedRules.length} unused rules, ${report.unavailable.length} upstreams unavailable`,
  );
  return `${out.join('\n')}\n`;
}
