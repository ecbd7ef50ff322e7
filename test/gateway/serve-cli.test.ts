// The built command line: `toolgate init`, `toolgate serve` over stdio (fail closed by default),
// a stdio client with real calls, and shutdown leaving no upstream process or grandchild behind.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { RECEIPT_META_KEY } from '../../src/gate/index.js';
import { requireBuiltCli } from '../fixtures/cli.js';
import { alive, eventually, fixture, httpClient, node, root, text } from './helpers.js';

const cli = join(root, 'bin/toolgate.js');
const permitAllGateway = join(root, 'test/fixtures/permit-all-gateway.mjs');

beforeAll(requireBuiltCli);

function workdir(yaml?: string): { dir: string; config: string; pidfile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-cli-'));
  const pidfile = join(dir, 'pids');
  const config = join(dir, 'toolgate.yaml');
  if (yaml) writeFileSync(config, yaml.replaceAll('PIDFILE', JSON.stringify(pidfile)));
  return { dir, config, pidfile };
}

const upstreamWithGrandchild = `upstreams:
  fx: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(fixture)}, --pidfile, PIDFILE] }
`;

const pids = (pidfile: string) => readFileSync(pidfile, 'utf8').split(' ').map(Number);

test('init writes a starter config, policy and key folder, and refuses to overwrite', () => {
  const { dir } = workdir();
  execFileSync(node, [cli, 'init'], { cwd: dir });
  expect(readFileSync(join(dir, 'toolgate.yaml'), 'utf8')).toContain('upstreams:');
  expect(readFileSync(join(dir, 'policies/policy.yaml'), 'utf8')).toContain('version: toolgate.policy/v1');
  expect(existsSync(join(dir, '.toolgate/keys'))).toBe(true);
  const again = spawnSync(node, [cli, 'init'], { cwd: dir, encoding: 'utf8' });
  expect(again.status).not.toBe(0);
  expect(again.stderr).toContain('refuses to overwrite toolgate.yaml');
});

test('serve over stdio lists tools but refuses calls no policy rule permits, with a receipt; closing stdin stops the whole tree', async () => {
  const { dir, config, pidfile } = workdir(`listen: { stdio: true }\npolicies: [policy.yaml]\npolicy: { hide_denied_tools: false }\n${upstreamWithGrandchild}`);
  writeFileSync(join(dir, 'policy.yaml'), 'version: toolgate.policy/v1\nrules: []\n');
  const transport = new StdioClientTransport({ command: node, args: [cli, 'serve', '-c', config], stderr: 'ignore' });
  const client = new Client({ name: 'stdio-test', version: '1' });
  await client.connect(transport);
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toContain('fx__echo');
  const refused = await client.callTool({ name: 'fx__echo', arguments: { text: 'x' } });
  expect(refused.isError).toBe(true);
  expect(text(refused)).toContain('no policy rule permits fx/echo');
  expect(refused._meta).toHaveProperty([RECEIPT_META_KEY]);
  const [upstream, grandchild] = pids(pidfile);
  const gatewayPid = transport.pid!;
  await client.close(); // closes the gateway's stdin
  await eventually(() => !alive(gatewayPid) && !alive(upstream!) && !alive(grandchild!));
});

test('a stdio client calls tools through the gateway (permit-all test entry)', async () => {
  const { config } = workdir(`listen: { stdio: true }\nupstreams:\n  fx: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(fixture)}] }\n`);
  const client = new Client({ name: 'stdio-test', version: '1' });
  await client.connect(new StdioClientTransport({ command: node, args: [permitAllGateway, config], stderr: 'ignore' }));
  const seen: number[] = [];
  const result = await client.callTool({ name: 'fx__slow', arguments: { steps: 2 } }, undefined, { onprogress: (p) => void seen.push(p.progress) });
  expect(text(result)).toBe('done after 2');
  expect(seen).toEqual([1, 2]);
  await client.close();
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} stops an HTTP gateway and leaves no upstream or grandchild process`, async () => {
    const { config, pidfile } = workdir(`listen: { http: { port: 0 } }\n${upstreamWithGrandchild}`);
    const gateway = spawn(node, [permitAllGateway, config], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TOOLGATE_LOG_LEVEL: 'info' } });
    let stderr = '';
    gateway.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await eventually(() => /"url":"(http:[^"]+)"/.test(stderr));
    const url = /"url":"(http:[^"]+)"/.exec(stderr)![1]!;
    const client = await httpClient(url);
    expect(text(await client.callTool({ name: 'fx__echo', arguments: { text: 'up' } }))).toBe('up');
    const [upstream, grandchild] = pids(pidfile);
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
    gateway.kill(signal);
    expect(await exited).toBe(0);
    await eventually(() => !alive(upstream!) && !alive(grandchild!));
  });
}

test('a bad config stops serve with the file, line and key', () => {
  const { config } = workdir('listen: { http: { port: 0 } }\nupstreams:\n  fx: { command: node, timeout: soon }\n');
  const run = spawnSync(node, [cli, 'serve', '-c', config], { encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  expect(run.stderr).toMatch(new RegExp(`${config}:3: upstreams.fx`));
});
