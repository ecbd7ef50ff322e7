// `toolgate serve` with a witness in toolgate.yaml: the gateway's checkpoints, the final one at
// shutdown included, reach a real witness process, and `toolgate ledger verify -c toolgate.yaml
// --witnesses 1 --online` confirms them. The witness reads the gateway's keyring file per request.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { alive, eventually, fixture, node, root } from '../gateway/helpers.js';
import { tempDir } from '../ledger/helpers.js';
import { startWitness } from './witness-process.js';

beforeAll(requireBuiltCli);

describe('the gateway and its witness', { timeout: 120_000 }, () => {
  it('submits every checkpoint, the final one too; ledger verify --witnesses 1 --online agrees', async () => {
    const dir = tempDir();
    const keyring = join(dir, 'keys', 'keyring.json');
    const witness = await startWitness({ dir: tempDir(), keyring });
    const config = join(dir, 'toolgate.yaml');
    writeFileSync(join(dir, 'policy.yaml'), 'version: toolgate.policy/v1\nrules: []\n');
    writeFileSync(
      config,
      [
        'listen: { stdio: true }',
        `policies: [${JSON.stringify(join(dir, 'policy.yaml'))}]`,
        'policy: { hide_denied_tools: false, watch: false }',
        `upstreams: { fx: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(fixture)}, --pidfile, ${JSON.stringify(join(dir, 'pids'))}] } }`,
        `ledger: { dir: ${JSON.stringify(join(dir, 'ledger'))}, checkpoint_every: 2, witness_quorum: 1 }`,
        `keys: { dir: ${JSON.stringify(join(dir, 'keys'))} }`,
        `store: { kind: lowdb, path: ${JSON.stringify(join(dir, 'state.json'))} }`,
        `witnesses: [ { url: ${JSON.stringify(witness.url)}, public_key: ${JSON.stringify(witness.vkey)} } ]`,
        '',
      ].join('\n'),
    );
    const transport = new StdioClientTransport({ command: node, args: [join(root, 'bin/toolgate.js'), 'serve', '-c', config], stderr: 'ignore', cwd: dir });
    const client = new Client({ name: 'witnessed', version: '1' });
    await client.connect(transport);
    for (let i = 0; i < 5; i++) expect((await client.callTool({ name: 'fx__echo', arguments: { text: `${i}` } })).isError).toBe(true);
    const gateway = transport.pid!;
    await client.close();
    await eventually(() => !alive(gateway), 20_000);

    const file = JSON.parse(readFileSync(keyring, 'utf8')) as Record<string, unknown>;
    writeFileSync(keyring, JSON.stringify({ ...file, witnesses: [witness.vkey] }));
    const verified = await toolgate(['ledger', 'verify', '-c', config, '--witnesses', '1', '--online']);
    // Five denied calls and the policy_change of the bundle that took effect at start.
    expect(verified.stdout).toMatch(/^ok: 6 receipts.*\nok: the latest checkpoint \(6 receipts\) is cosigned by witness.test\/w1; 1 witnesses asked agree\n$/);
    expect(verified.code).toBe(0);
  });
});
