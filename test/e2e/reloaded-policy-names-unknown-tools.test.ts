// A rule naming a tool its upstream does not have (most often a typo) is logged when the policy
// loads at start, and again when a hot reload brings such a rule in: the warning follows every
// bundle that takes effect, not only the first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { serve, until, type Served } from './harness.js';

const V1 = 'version: toolgate.policy/v1\nrules:\n  - { id: echo-ok, effect: allow, match: { server: fx, tool: echo } }\n';
const V2 = `${V1}  - { id: typo, effect: allow, match: { server: fx, tool: ecoh } }\n`;
const WARNING = 'a policy rule names a tool no upstream has';

let served: Served | undefined;
afterAll(async () => {
  await served?.stop();
});

it('warns about a misspelt tool that a hot reload brings in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-reload-names-'));
  served = await serve({ dir, policy: V1, watch: true });
  expect(served.stderr()).not.toContain(WARNING);
  writeFileSync(join(dir, 'policy.yaml'), V2);
  const line = await until(
    async () =>
      served!
        .stderr()
        .split('\n')
        .find((l) => l.includes(WARNING)),
    'the warning after the reload',
    20_000,
  );
  expect(JSON.parse(line).problem).toMatch(/^rule "typo" \(.*policy\.yaml:\d+\): match\.tool "ecoh" names no tool of fx \(did you mean echo\?\)$/);
});
