// The shipped secret-files bundle, layered over filesystem-readonly as in examples/secret-files, in
// front of the real @modelcontextprotocol/server-filesystem behind the real gateway and ledger: every
// kind of secret file it names is present in the sandbox, and every reading tool is refused.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { parseConfig } from '../../src/config/index.js';
import { Gate } from '../../src/gate/index.js';
import { startGateway } from '../../src/gateway/index.js';
import { decider, loadPolicyBundle } from '../../src/policy/index.js';
import { openLowdbStore, type Store } from '../../src/store/index.js';
import { openTestLedger } from '../fixtures/ledger.js';
import { filesystem, httpClient, log, node, receiptOf, root, text } from '../gateway/helpers.js';

const SECRET = 'TOP-SECRET-VALUE';
/** One file per family the bundle names (docs/policies.md lists the same). */
const SECRET_FILES = [
  '.env',
  '.env.production',
  '.env.production.local',
  '.env.development.local',
  '.env_prod',
  '.env-backup',
  '.env.bak~',
  '.envrc',
  'app/.env.local',
  '.ssh/config',
  'keys/id_rsa',
  'keys/id_dsa',
  'keys/id_ecdsa',
  'keys/id_ed25519',
  'keys/id_ecdsa_sk',
  'server.key',
  'tls/server.pem',
  'tls/client.p12',
  'tls/client.pfx',
  '.aws/credentials',
  '.gnupg/secring.gpg',
  '.docker/config.json',
  '.git-credentials',
  '.netrc',
  '.npmrc',
  '.pgpass',
  'gcp/credentials.json',
  'App/.ENV',
];

const sandbox = realpathSync(mkdtempSync(join(tmpdir(), 'tg-secret-files-')));
let client: Client;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  for (const name of [...SECRET_FILES, 'notes.md', 'keys/id_rsa.pub']) {
    mkdirSync(dirname(join(sandbox, name)), { recursive: true });
    writeFileSync(join(sandbox, name), `${SECRET}\n`);
  }
  const yaml = `listen: { http: { port: 0 } }\nupstreams:\n  fs: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(filesystem)}, ${JSON.stringify(sandbox)}] }\n`;
  const { config } = parseConfig(join(sandbox, 'toolgate.yaml'), yaml);
  const bundle = await loadPolicyBundle(['policies/filesystem-readonly/*.yaml', 'policies/secret-files/*.yaml'], { cwd: root, pathRoot: sandbox });
  // The bundle's read rule has a rate limit, so the gate needs a real limit store, as in production.
  const store: Store = await openLowdbStore(join(sandbox, 'state/state.json'));
  const { ledger } = await openTestLedger();
  const gate = new Gate({ decider: () => decider(bundle), receipts: ledger, limits: store, log });
  const gateway = await startGateway({ config, handler: gate, log });
  closers.push(
    () => ledger.close(),
    () => store.close(),
    () => gateway.close(),
  );
  client = await httpClient(gateway.http!.url);
}, 30_000);
afterAll(async () => {
  await client?.close();
  for (const close of closers.reverse()) await close();
});

async function expectRefused(name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
  expect(text(result)).not.toContain(SECRET);
  expect(receiptOf(result).policy).toMatchObject({ effect: 'deny', rules: ['no-secret-files'] });
}

describe.each(SECRET_FILES)('%s', (file) => {
  it('is refused to read_text_file, read_file and read_multiple_files, absolute or relative', async () => {
    await expectRefused('fs__read_text_file', { path: join(sandbox, file) });
    await expectRefused('fs__read_file', { path: join(sandbox, file) });
    await expectRefused('fs__read_multiple_files', { paths: [join(sandbox, 'notes.md'), join(sandbox, file)] });
    await expectRefused('fs__read_text_file', { path: file });
  });
});

it('ordinary files and public keys stay readable through the same gateway', async () => {
  for (const file of ['notes.md', 'keys/id_rsa.pub']) {
    const result = await client.callTool({ name: 'fs__read_text_file', arguments: { path: join(sandbox, file) } });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain(SECRET);
  }
});

it('moving or copying a secret file is refused on either end', async () => {
  await expectRefused('fs__move_file', { source: join(sandbox, '.env.production.local'), destination: join(sandbox, 'notes2.md') });
  await expectRefused('fs__move_file', { source: join(sandbox, 'notes.md'), destination: join(sandbox, '.envrc') });
  await expectRefused('fs__get_file_info', { path: join(sandbox, 'server.key') });
});
