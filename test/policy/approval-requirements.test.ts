// Approval requirements as policy files state them: `require` entries across groups, the evidence a
// decision must carry, `approvers` + `quorum` as one "any of these" entry, and several matching
// approval rules, all of whose requirements the hold keeps. Real files through the real loader.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyBundle, PolicyError } from '../../src/policy/index.js';
import { bundleOf, decide } from './helpers.js';

const PROD_PAYMENTS = `  - id: payments.prod
    effect: require_approval
    match: { server: fs }
    reason: production payments need security and platform sign-off
    approval:
      require:
        - { group: security-team, quorum: 1 }
        - { group: platform-lead }
      evidence: { note: required, fields: [ticket] }
      timeout: 30m
      wait: 50s
`;

describe('an approval requirement across groups', () => {
  it('keeps every require entry, with its group and quorum, and the evidence a decision must carry', () => {
    const d = decide(bundleOf(PROD_PAYMENTS), {});
    expect(d.outcome).toBe('hold');
    expect(d.approval).toMatchObject({
      ruleId: 'payments.prod',
      requirement: [
        { rule: 'payments.prod', group: 'security-team', quorum: 1 },
        { rule: 'payments.prod', group: 'platform-lead', quorum: 1 },
      ],
      evidence: { note: true, fields: ['ticket'] },
      timeoutMs: 30 * 60_000,
      waitMs: 50_000,
    });
  });

  it('reads approvers + quorum as one entry meaning "any of these"', () => {
    const d = decide(
      bundleOf(`  - id: dba\n    effect: require_approval\n    match: { server: fs }\n    approval: { approvers: ["group:dba", "user:olga"], quorum: 2 }\n`),
      {},
    );
    expect(d.approval).toMatchObject({
      requirement: [{ rule: 'dba', approvers: ['group:dba', 'user:olga'], quorum: 2 }],
      evidence: { note: false, fields: [] },
    });
  });

  it('of several matching approval rules keeps all their requirements, not the one with the highest quorum', () => {
    const bundle = bundleOf(
      `  - id: two-dbas\n    effect: require_approval\n    match: { server: fs }\n    approval: { approvers: ["group:dba"], quorum: 2, timeout: 5m, wait: 10s, notify: { webhook: "https://hooks.example/dba" } }\n` +
        `  - id: finance\n    effect: require_approval\n    match: { server: fs }\n    approval: { require: [{ group: finance }], evidence: { fields: [ticket] }, timeout: 1h, notify: { webhook: "https://hooks.example/fin" } }\n`,
    );
    const d = decide(bundle, {});
    expect(d.rules.sort()).toEqual(['finance', 'two-dbas']);
    expect(d.approval).toMatchObject({
      requirement: [
        { rule: 'finance', group: 'finance', quorum: 1 },
        { rule: 'two-dbas', approvers: ['group:dba'], quorum: 2 },
      ],
      evidence: { note: false, fields: ['ticket'] },
      timeoutMs: 5 * 60_000,
      waitMs: 10_000,
      webhooks: ['https://hooks.example/fin', 'https://hooks.example/dba'],
    });
  });

  it('decides the same whatever the order of the rules in the files', () => {
    const a = `  - id: a\n    effect: require_approval\n    match: { server: fs }\n    approval: { require: [{ group: x }] }\n`;
    const b = `  - id: b\n    effect: require_approval\n    match: { server: fs }\n    approval: { require: [{ group: y, quorum: 2 }] }\n`;
    expect(decide(bundleOf(a + b), {}).approval).toEqual(decide(bundleOf(b + a), {}).approval);
  });
});

describe('a wrong approval block is refused at load, naming file, line and rule', () => {
  async function problems(text: string): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'tg-policy-'));
    writeFileSync(join(dir, 'a.yaml'), `version: toolgate.policy/v1\nrules:\n${text}`);
    try {
      await loadPolicyBundle([join(dir, 'a.yaml')]);
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyError);
      return (err as PolicyError).problems.map((p) => p.replaceAll(`${dir}/`, ''));
    }
    throw new Error('the policy loaded, but it should not have');
  }
  const rule = (approval: string) => `  - id: held\n    effect: require_approval\n    match: { server: fs }\n    approval: ${approval}\n`;

  it('both approvers and require, or neither', async () => {
    const both = await problems(rule('{ approvers: ["group:dba"], require: [{ group: dba }] }'));
    expect(both).toEqual(['a.yaml:6: rule "held": rules[0].approval: an approval has exactly one of "approvers" (with "quorum") or "require"']);
    const neither = await problems(rule('{ timeout: 5m }'));
    expect(neither).toEqual(['a.yaml:6: rule "held": rules[0].approval: an approval has exactly one of "approvers" (with "quorum") or "require"']);
  });

  it('a quorum beside require, a group required twice, an unknown evidence setting', async () => {
    expect(await problems(rule('{ require: [{ group: dba }], quorum: 2 }'))).toEqual([
      expect.stringMatching(/^a\.yaml:6: rule "held": rules\[0\]\.approval\.quorum: "quorum" goes with "approvers"/),
    ]);
    expect(await problems(rule('{ require: [{ group: dba }, { group: dba, quorum: 2 }] }'))).toEqual([
      expect.stringMatching(/^a\.yaml:6: rule "held": rules\[0\]\.approval\.require\[1\]\.group: group "dba" is required twice/),
    ]);
    expect(await problems(rule('{ require: [{ group: dba }], evidence: { note: always } }'))).toEqual([
      expect.stringMatching(/^a\.yaml:6: rule "held": rules\[0\]\.approval\.evidence\.note: /),
    ]);
  });
});
