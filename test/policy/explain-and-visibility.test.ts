// explain says for every rule whether it matched and why not; tools denied unconditionally are hidden.
import { describe, expect, it } from 'vitest';
import { callRequest, explain, isDeniedUnconditionally } from '../../src/policy/index.js';
import { bundleOf } from './helpers.js';

const bundle = bundleOf(`  - id: other-server
    effect: allow
    match: { server: github }
  - id: other-tool
    effect: allow
    match: { server: fs, tool: write_file }
  - id: engineers
    effect: allow
    match: { server: fs }
    principal: { groups: [engineering] }
  - id: small-only
    effect: allow
    match: { server: fs }
    when: 'args.size < 10'
  - id: broken
    effect: allow
    match: { server: fs }
    when: 'args.nope == 1'
  - id: everyone
    effect: allow
    match: { server: fs, tool: "read_*" }
  - id: never-rm
    effect: deny
    match: { server: fs, tool: remove }
  - id: rm-big
    effect: deny
    match: { server: fs, tool: move }
    when: 'args.size > 10'
`);

describe('explain', () => {
  it('gives each rule a status and the final decision', () => {
    const e = explain(bundle, callRequest({ server: 'fs', tool: 'read_file', args: { size: 50 }, principal: 'agent:x' }));
    const status = Object.fromEntries(e.rules.map((r) => [r.id, r.status]));
    expect(status).toEqual({
      'other-server': 'server',
      'other-tool': 'tool',
      engineers: 'principal',
      'small-only': 'when_false',
      broken: 'when_error',
      everyone: 'matched',
      'never-rm': 'tool',
      'rm-big': 'tool',
    });
    expect(e.rules.find((r) => r.id === 'broken')?.why).toMatch(/failed to evaluate.*No such key: nope/);
    expect(e.rules[0]?.at).toBe('test.yaml:3');
    expect(e.decision).toMatchObject({ outcome: 'deny', rules: ['broken'] });
  });
});

describe('isDeniedUnconditionally (tools hidden from tools/list)', () => {
  const p = { id: 'agent:x', groups: [] };
  it('hides a tool under a deny rule without a condition', () => expect(isDeniedUnconditionally(bundle, p, 'fs', 'remove')).toBe(true));
  it('keeps a tool whose deny depends on the arguments', () => expect(isDeniedUnconditionally(bundle, p, 'fs', 'move')).toBe(false));
  it('keeps a tool some rule may permit', () => expect(isDeniedUnconditionally(bundle, p, 'fs', 'read_file')).toBe(false));
  it('hides a tool no rule can permit', () => expect(isDeniedUnconditionally(bundle, p, 'slack', 'post')).toBe(true));
  it('keeps everything when the default allows', () => {
    const open = bundleOf(`  - id: x\n    effect: deny\n    match: { server: fs, tool: rm }\n    when: 'true'\n`, { defaults: '{ effect: allow }' });
    expect(isDeniedUnconditionally(open, p, 'slack', 'post')).toBe(false);
  });
});
