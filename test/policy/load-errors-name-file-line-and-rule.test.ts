// Every kind of bad policy is refused at load with file, line, rule id and the problem, from real files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyBundle, PolicyError } from '../../src/policy/index.js';

const HEAD = 'version: toolgate.policy/v1\nrules:\n';

async function problems(files: Record<string, string>, knownUpstreams?: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-policy-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  try {
    await loadPolicyBundle([join(dir, '*.yaml')], knownUpstreams ? { knownUpstreams } : {});
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as PolicyError).problems.map((p) => p.replaceAll(`${dir}/`, ''));
  }
  throw new Error('the policy loaded, but it should not have');
}

describe('policy load errors', () => {
  it('broken YAML', async () => {
    expect(await problems({ 'a.yaml': `${HEAD}  - id: x\n    effect: [allow\n` })).toEqual([expect.stringMatching(/^a\.yaml:\d+: /)]);
  });

  it('unknown keys, at the line of the key', async () => {
    const p = await problems({ 'a.yaml': `${HEAD}  - id: typo\n    effect: allow\n    match: { server: fs }\n    wen: 'true'\n` });
    expect(p).toEqual(['a.yaml:6: rule "typo": rules[0]: unknown key(s) "wen"']);
  });

  it('wrong types and values', async () => {
    const p = await problems({ 'a.yaml': `${HEAD}  - id: t\n    effect: permit\n    match: { server: fs, tool: 7 }\n` });
    expect(p).toContainEqual(expect.stringMatching(/^a\.yaml:4: rule "t": rules\[0\]\.effect: /));
    expect(p).toContainEqual(expect.stringMatching(/^a\.yaml:5: rule "t": rules\[0\]\.match\.tool: a name or glob/));
  });

  it('a missing or wrong version', async () => {
    expect(await problems({ 'a.yaml': 'version: 2\nrules: []\n' })).toEqual([expect.stringMatching(/^a\.yaml:1: version: /)]);
  });

  it('invalid CEL: syntax and type', async () => {
    const p = await problems({
      'a.yaml': `${HEAD}  - id: syn\n    effect: allow\n    match: { server: fs }\n    when: 'args.x +'\n  - id: typ\n    effect: allow\n    match: { server: fs }\n    when: 'server + 1'\n`,
    });
    expect(p).toEqual([expect.stringMatching(/^a\.yaml:6: rule "syn": CEL syntax: .*column 9/), expect.stringMatching(/^a\.yaml:10: rule "typ": CEL type: /)]);
  });

  it('a condition that is not boolean', async () => {
    const p = await problems({ 'a.yaml': `${HEAD}  - id: num\n    effect: allow\n    match: { server: fs }\n    when: '1 + 2'\n` });
    expect(p).toEqual(['a.yaml:6: rule "num": CEL: the condition has type int, expected bool']);
  });

  it('unknown upstream names, when the configured ones are known', async () => {
    const p = await problems(
      { 'a.yaml': `${HEAD}  - id: u\n    effect: allow\n    match: { server: [fs, gihtub] }\n  - id: g\n    effect: allow\n    match: { server: "pay*" }\n` },
      ['fs', 'github'],
    );
    expect(p).toEqual(['a.yaml:5: rule "u": unknown upstream "gihtub" (configured: fs, github)', 'a.yaml:8: rule "g": "pay*" matches no configured upstream']);
  });

  it('duplicate rule ids across files', async () => {
    const rule = '  - id: same\n    effect: allow\n    match: { server: fs }\n';
    const p = await problems({ 'a.yaml': HEAD + rule, 'b.yaml': HEAD + rule });
    expect(p).toEqual(['b.yaml:3: rule "same": duplicate rule id (first defined at a.yaml:3)']);
  });

  it('conflicting set constraints on overlapping calls', async () => {
    const p = await problems({
      'a.yaml': `${HEAD}  - id: s1\n    effect: allow_with_constraints\n    match: { server: db, tool: query }\n    constraints: { set: { limit: '10' } }\n  - id: s2\n    effect: allow_with_constraints\n    match: { server: db, tool: "q*" }\n    constraints: { set: { limit: '20' } }\n`,
    });
    expect(p).toEqual([expect.stringMatching(/^a\.yaml:7: rule "s2": conflicting set constraints: "limit" also set by rule "s1"/)]);
  });

  it('effect and field mismatches', async () => {
    const p = await problems({
      'a.yaml': `${HEAD}  - id: h\n    effect: require_approval\n    match: { server: fs }\n  - id: c\n    effect: allow_with_constraints\n    match: { server: fs }\n  - id: d\n    effect: deny\n    match: { server: fs }\n    limits: [ { per: tool, rate: 5/1m } ]\n`,
    });
    expect(p).toEqual([
      'a.yaml:4: rule "h": require_approval needs an "approval" block',
      'a.yaml:7: rule "c": allow_with_constraints needs "constraints" with "require", "set" and/or "timeout"',
      'a.yaml:12: rule "d": a deny rule has nothing to limit',
    ]);
  });

  it('a limit with both or neither of rate and budget', async () => {
    const p = await problems({ 'a.yaml': `${HEAD}  - id: l\n    effect: allow\n    match: { server: fs }\n    limits: [ { per: tool } ]\n` });
    expect(p).toEqual([expect.stringMatching(/^a\.yaml:6: rule "l": rules\[0\]\.limits\[0\]: a limit has exactly one of "rate" or "budget"/)]);
  });

  it('missing files and globs that match nothing fail closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-policy-'));
    await expect(loadPolicyBundle([join(dir, 'nope.yaml')])).rejects.toThrow(/no such policy file/);
    await expect(loadPolicyBundle([join(dir, '*.yaml')])).rejects.toThrow(/matches no policy files/);
    await expect(loadPolicyBundle([])).rejects.toThrow(/no policy files are configured/);
  });

  it('fixture files beside the policies are not loaded as policies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-policy-'));
    writeFileSync(join(dir, 'p.yaml'), `${HEAD}  - id: a\n    effect: allow\n    match: { server: fs }\n`);
    writeFileSync(join(dir, 'p.test.yaml'), 'cases: []\n');
    const bundle = await loadPolicyBundle([join(dir, '*.yaml')]);
    expect(bundle.document.files.map((f) => f.name)).toEqual(['p.yaml']);
  });
});
