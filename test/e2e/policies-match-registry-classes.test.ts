// A rule that matches a registry class (`match: { class: ... }`) decides calls through the real
// `toolgate serve`, the fixture upstream and the registry file named by toolgate.yaml; serve logs a
// rule naming a tool its upstream does not have.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { receiptBody, servedForFile, textOf } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'toolgate-classes-'));
writeFileSync(
  join(dir, 'surfaces.yaml'),
  `version: toolgate.registry/v1
classes:
  infra-mutation: { expects: [require_approval, deny] }
  read-only: { expects: [allow] }
surfaces:
  - { match: { server: fx, tool: [crash, grandchild] }, class: infra-mutation, owner: team-sre, tier: critical, review_by: 2099-01-01 }
  - { match: { server: fx, tool: "*" }, class: read-only, owner: team-app, tier: low, review_by: 2099-01-01 }
`,
);

const POLICY = `version: toolgate.policy/v1
rules:
  - id: no-infra-changes
    effect: deny
    match: { class: infra-mutation }
  - id: reads
    effect: allow
    match: { class: read-only }
  - id: typo
    effect: allow
    match: { server: fx, tool: ecoh }
`;

const { served, client } = servedForFile({ dir, policy: POLICY, extra: 'registry: surfaces.yaml\n' });

describe('policies match registry classes', () => {
  it('denies a tool of a denied class and allows a tool of an allowed one', async () => {
    const denied = await client().callTool({ name: 'fx__crash', arguments: {} });
    expect(denied.isError).toBe(true);
    expect(receiptBody(denied)).toMatchObject({ event: 'deny', policy: { rules: ['no-infra-changes'] } });
    const allowed = await client().callTool({ name: 'fx__echo', arguments: { text: 'hi' } });
    expect(textOf(allowed)).toContain('hi');
    expect(receiptBody(allowed)).toMatchObject({ event: 'complete', policy: { rules: ['reads'] } });
  });

  it('logs a rule that names a tool its upstream does not have', () => {
    const line = served()
      .stderr()
      .split('\n')
      .find((l) => l.includes('a policy rule names a tool no upstream has'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!).problem).toMatch(/^rule "typo" \(.*policy\.yaml:\d+\): match\.tool "ecoh" names no tool of fx \(did you mean echo\?\)$/);
  });
});
