// The combining table, exhaustively: every subset of matching effects under every default.
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/core/index.js';
import { bundleOf, decide } from './helpers.js';

const EFFECTS = ['deny', 'require_approval', 'allow_with_constraints', 'allow'] as const;
const DEFAULTS = [undefined, 'deny', 'allow', 'require_approval'] as const;

function rulesYaml(): string {
  return EFFECTS.map((effect) => {
    const extra =
      effect === 'require_approval'
        ? '    approval: { approvers: ["group:x"] }\n'
        : effect === 'allow_with_constraints'
          ? "    constraints: { require: 'true' }\n"
          : '';
    return `  - id: r-${effect}\n    effect: ${effect}\n    match: { server: fs, tool: read_file }\n    when: 'args.${effect}'\n${extra}`;
  }).join('');
}

function expected(matching: readonly string[], dflt: (typeof DEFAULTS)[number]): { outcome: Outcome; rules: string[] } {
  if (matching.includes('deny')) return { outcome: 'deny', rules: ['r-deny'] };
  if (matching.includes('require_approval')) return { outcome: 'hold', rules: ['r-require_approval'] };
  const permitting = matching.filter((e) => e === 'allow_with_constraints' || e === 'allow');
  if (permitting.length) return { outcome: 'permit', rules: permitting.map((e) => `r-${e}`) };
  if (dflt === 'deny') return { outcome: 'silence', rules: [] };
  if (dflt === 'allow') return { outcome: 'permit', rules: [] };
  if (dflt === 'require_approval') return { outcome: 'hold', rules: [] };
  return { outcome: 'silence', rules: [] };
}

const cases = DEFAULTS.flatMap((dflt) => Array.from({ length: 16 }, (_, mask) => ({ dflt, matching: EFFECTS.filter((_e, i) => mask & (1 << i)) })));

describe('combining: deny > require_approval > allow_with_constraints > allow > defaults > silence', () => {
  it.each(cases)('matching $matching with default $dflt', ({ dflt, matching }) => {
    const defaults =
      dflt === undefined
        ? undefined
        : dflt === 'require_approval'
          ? '{ effect: require_approval, approval: { approvers: ["group:y"] } }'
          : `{ effect: ${dflt} }`;
    const bundle = bundleOf(rulesYaml(), defaults ? { defaults } : {});
    const args = Object.fromEntries(EFFECTS.map((e) => [e, matching.includes(e)]));
    const d = decide(bundle, { args });
    const want = expected(matching, dflt);
    expect(d.outcome).toBe(want.outcome);
    expect([...d.rules].sort()).toEqual(want.rules.sort());
    expect(d.bundleSha256).toBe(bundle.sha256);
    expect(d.reason.length).toBeGreaterThan(10);
    if (d.outcome === 'hold') expect(d.approval?.requirement.flatMap((e) => e.approvers ?? [])).toEqual(want.rules.length ? ['group:x'] : ['group:y']);
  });
});

describe('errors and order', () => {
  it('a condition that errors denies, even when an allow rule matches, and names the rule', () => {
    const bundle = bundleOf(
      `  - id: ok\n    effect: allow\n    match: { server: fs }\n  - id: broken\n    effect: allow\n    match: { server: fs }\n    when: 'args.missing > 1'\n`,
    );
    const d = decide(bundle, { args: {} });
    expect(d.outcome).toBe('deny');
    expect(d.rules).toEqual(['broken']);
    expect(d.reason).toMatch(/broken.*could not be evaluated.*on_error/);
  });

  it('rule order in the file never changes the decision', () => {
    const a = `  - id: d\n    effect: deny\n    match: { server: fs }\n`;
    const b = `  - id: p\n    effect: allow\n    match: { server: fs }\n`;
    expect(decide(bundleOf(a + b), {}).outcome).toBe('deny');
    expect(decide(bundleOf(b + a), {}).outcome).toBe('deny');
  });

  it('principal ids and groups narrow a rule', () => {
    const bundle = bundleOf(`  - id: eng\n    effect: allow\n    match: { server: fs }\n    principal: { groups: [engineering] }\n`);
    expect(decide(bundle, { principal: { id: 'a', groups: ['engineering'] } }).outcome).toBe('permit');
    expect(decide(bundle, { principal: { id: 'a', groups: ['sales'] } }).outcome).toBe('silence');
  });
});
