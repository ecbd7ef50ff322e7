// Every policy bundle that takes effect in a running `toolgate serve` (at start, and on each hot
// reload) is recorded as a signed `policy_change` receipt in the ledger, naming the bundle it
// replaced and the hash of each file in it; `toolgate verify`-style reading goes through the real reader.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { serve, until, type Served } from './harness.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const V1 = 'version: toolgate.policy/v1\nrules:\n  - { id: echo-ok, effect: allow, match: { server: fx, tool: echo } }\n';
const V2 = `${V1}  - { id: touch-no, effect: deny, match: { server: fx, tool: touch } }\n`;
const REGISTRY = 'version: toolgate.registry/v1\nclasses: {}\nsurfaces: []\n';

let served: Served | undefined;
afterAll(async () => {
  await served?.stop();
});

async function policyChanges(dir: string) {
  const out = [];
  for await (const r of readReceipts(join(dir, 'ledger'))) if (r.body.event === 'policy_change') out.push(r.body);
  return out;
}

it('records the bundle in force at start and each reloaded bundle, chained by sha256', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-policy-change-'));
  writeFileSync(join(dir, 'surfaces.yaml'), REGISTRY);
  served = await serve({ dir, policy: V1, watch: true, extra: 'registry: surfaces.yaml\n' });
  const [first] = await until(async () => {
    const found = await policyChanges(dir);
    return found.length ? found : undefined;
  }, 'the start receipt');
  expect(first).toMatchObject({
    event: 'policy_change',
    policy_change: {
      previous_bundle_sha256: null,
      files: [
        { name: 'policy.yaml', sha256: sha(V1) },
        { name: 'surfaces.yaml', sha256: sha(REGISTRY) },
      ],
      signed_by: [],
    },
  });
  writeFileSync(join(dir, 'policy.yaml'), V2);
  const changes = await until(
    async () => {
      const found = await policyChanges(dir);
      return found.length === 2 ? found : undefined;
    },
    'the reload receipt',
    20_000,
  );
  const [start, reload] = changes as Array<Extract<(typeof changes)[number], { event: 'policy_change' }>>;
  expect(reload!.policy_change.previous_bundle_sha256).toBe(start!.policy_change.bundle_sha256);
  expect(reload!.policy_change.files).toContainEqual({ name: 'policy.yaml', sha256: sha(V2) });
  expect(reload!.policy_change.bundle_sha256).not.toBe(start!.policy_change.bundle_sha256);
});
