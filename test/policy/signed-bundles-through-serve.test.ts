// policy.require_signatures through the real CLI and `toolgate serve`: reviewers' keys from
// `policy keygen`, signature files from `policy sign`, and a gateway that enforces a bundle only once
// a quorum of keyring keys signed exactly it; the policy_change receipt names the signers.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { agent, configText, serve, textOf, TOKENS, toolgate, until, type Served } from '../e2e/harness.js';

const V1 = 'version: toolgate.policy/v1\nrules:\n  - { id: echo-ok, effect: allow, match: { server: fx, tool: echo } }\n';
const V2 = `${V1}  - { id: echo-no, effect: deny, match: { server: fx, tool: echo } }\n`;
const REQUIRE = 'require_signatures: { keyring: reviewers.yaml, quorum: 2 }';

let dir: string;
/** The signature files that do not count (the second test writes them; the last one removes them). */
const uncounted: string[] = [];
const key = (name: string) => join(dir, 'reviewer-keys', `${name}.pem`);
const config = () => join(dir, 'toolgate.yaml');

function run(args: string[]) {
  const r = toolgate(args);
  if (r.status !== 0) throw new Error(`toolgate ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

const sign = (name: string, target = ['-c', config()]) => run(['policy', 'sign', ...target, '--key', key(name)]);
/** `policy sign` ends its line with the file it wrote. */
const written = (stdout: string) => stdout.trim().split(' ').at(-1)!;
const signatureFiles = () => readdirSync(dir).filter((f) => f.endsWith('.sig.json'));

async function policyChanges() {
  const out = [];
  for await (const r of readReceipts(join(dir, 'ledger'))) if (r.body.event === 'policy_change') out.push(r.body.policy_change);
  return out;
}

const start = () => serve({ dir, policy: V1, watch: true, policyOptions: REQUIRE });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolgate-signed-'));
  mkdirSync(join(dir, 'reviewer-keys'));
  writeFileSync(join(dir, 'policy.yaml'), V1);
  writeFileSync(config(), configText('policy.yaml', '', { watch: true, policyOptions: REQUIRE }));
  for (const name of ['alice', 'bob']) run(['policy', 'keygen', '--name', name, '--key', key(name), '--keyring', join(dir, 'reviewers.yaml')]);
  run(['policy', 'keygen', '--name', 'mallory', '--key', key('mallory')]);
});

describe('a gateway that requires two reviewers', () => {
  let served: Served | undefined;
  afterAll(async () => {
    await served?.stop();
  });

  it('refuses to start with an unsigned bundle, naming it and the signatures it lacks', async () => {
    const sha = /bundle_sha256 ([0-9a-f]{64})/.exec(run(['policy', 'check', '-c', config()]))![1]!;
    const refused = serve({ dir, policy: V1, watch: true, policyOptions: REQUIRE });
    await expect(refused).rejects.toThrow(new RegExp(`bundle ${sha} has 0 valid signatures of the 2 needed`));
  });

  it('counts neither a key outside the keyring, a signature over another bundle, nor a second copy of one signer', async () => {
    const mallorys = toolgate(['policy', 'sign', '-c', config(), '--key', key('mallory')]);
    expect(mallorys.stderr).toMatch(
      /^warning: ed25519:[0-9a-f]{16} is not in the reviewer keyring .*reviewers\.yaml: the gateway will not count this signature$/m,
    );
    uncounted.push(written(mallorys.stdout), join(dir, 'alice-again.sig.json'), join(dir, 'bob-other.sig.json'));
    copyFileSync(written(sign('alice')), join(dir, 'alice-again.sig.json'));
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'policy.yaml'), V2);
    copyFileSync(written(sign('bob', [other])), join(dir, 'bob-other.sig.json'));
    expect(signatureFiles()).toHaveLength(4);

    const error = await start().then(
      () => '',
      (err: Error) => err.message,
    );
    expect(error).toMatch(/has 1 valid signature of the 2 needed/);
    expect(error).toMatch(/is not in the keyring/);
    expect(error).toMatch(/bob-other\.sig\.json: .*signed another bundle/);
    expect(error).toMatch(/\.sig\.json: .*alice signed already/);

    const listed = toolgate(['policy', 'signatures', '-c', config()]);
    expect(listed.status).toBe(1);
    expect(listed.stdout).toMatch(/valid +alice/);
    expect(listed.stdout).toMatch(/1 of 2 needed: quorum not met/);
  });

  it('starts once a quorum signed, and the policy_change receipt names the signers', async () => {
    sign('bob');
    const listed = toolgate(['policy', 'signatures', '-c', config()]);
    expect(listed.stdout).toMatch(/2 of 2 needed: quorum met/);
    expect(listed.status).toBe(0);
    served = await start();
    const [first] = await until(async () => {
      const found = await policyChanges();
      return found.length ? found : undefined;
    }, 'the start receipt');
    expect(first!.signed_by.map((s) => s.name)).toEqual(['alice', 'bob']);
    for (const s of first!.signed_by) expect(s.key_id).toMatch(/^ed25519:[0-9a-f]{16}$/);
  });

  it('keeps the signed bundle deciding while a changed one is unsigned, and enforces the change once signed', async () => {
    const client = await agent(served!);
    const echo = async () => textOf(await client.callTool({ name: 'fx__echo', arguments: { text: 'hello' } }));
    expect(await echo()).toMatch(/hello/);

    for (const f of uncounted) rmSync(f);
    writeFileSync(join(dir, 'policy.yaml'), V2);
    await until(() => served!.stderr().includes('policy reload rejected'), 'the refused reload', 20_000);
    expect(served!.stderr()).toMatch(/has 0 valid signatures of the 2 needed/);
    expect(await echo()).toMatch(/hello/);
    const [signed] = await policyChanges();
    expect(await policyChanges()).toHaveLength(1);
    const metrics = await (await fetch(`${served!.adminUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKENS.alice}` } })).text();
    expect(metrics).toMatch(/^toolgate_policy_reload_failures_total [1-9]/m);
    expect(metrics).toContain(`toolgate_policy_bundle_info{sha="${signed!.bundle_sha256}"} 1`);

    sign('alice');
    sign('bob');
    await until(async () => /denied \(rule echo-no\)/.test(await echo()), 'the signed change to deny echo', 20_000);
    const changes = await policyChanges();
    expect(changes).toHaveLength(2);
    expect(changes[1]!.previous_bundle_sha256).toBe(changes[0]!.bundle_sha256);
    expect(changes[1]!.signed_by.map((s) => s.name)).toEqual(['alice', 'bob']);
    await client.close();
  });
});
