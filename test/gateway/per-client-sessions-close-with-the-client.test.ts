// A per-client upstream session lives as long as its client session: it is opened at the client's
// first request to that upstream (a client that only lists tools opens none) and closed when the
// client session ends, by DELETE, by the idle timeout, or by a stdio client leaving: a stdio
// upstream's process is stopped, an HTTP upstream's session is ended.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Gateway } from '../../src/gateway/index.js';
import { alive, eventually, gatewayFrom, node, root, text } from './helpers.js';
import { probe } from './side-by-side.js';

let upstream: ChildProcess;
let gateway: Gateway;
let upstreamsYaml = '';

beforeAll(async () => {
  upstream = spawn(node, [probe, '--http'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => upstream.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const url = JSON.stringify(`http://127.0.0.1:${port}/mcp`);
  upstreamsYaml = [
    `  sp: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(probe)}], session: per-client }`,
    `  hp: { url: ${url}, session: per-client }`,
    // The same HTTP server through a shared session: it tells how many sessions the server has open.
    `  count: { url: ${url} }`,
  ].join('\n');
  gateway = await gatewayFrom(`listen: { http: { port: 0, session_idle: 1s } }\nupstreams:\n${upstreamsYaml}\n`);
}, 30_000);

afterAll(async () => {
  await gateway?.close();
  upstream?.kill();
});

const call = async (client: Client, name: string) => text(await client.callTool({ name, arguments: {} }));
const openSessions = async (client: Client) => Number(await call(client, 'count__sessions'));

async function httpClient(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(gateway.http!.url));
  await client.connect(transport);
  return { client, transport };
}

test('a client that only lists tools opens no upstream session of its own', async () => {
  const { client: counter } = await httpClient();
  const before = await openSessions(counter);
  const { client } = await httpClient();
  expect((await client.listTools()).tools.map((t) => t.name)).toContain('sp__pid');
  expect(await openSessions(counter)).toBe(before);
  await client.close();
  await counter.close();
});

test('ending the client session (DELETE) stops its upstream process and ends its upstream HTTP session', async () => {
  const { client: counter } = await httpClient();
  const before = await openSessions(counter);
  const { client, transport } = await httpClient();
  const pid = Number(await call(client, 'sp__pid'));
  expect(await call(client, 'hp__pid')).toMatch(/^\d+$/);
  expect(alive(pid)).toBe(true);
  expect(await openSessions(counter)).toBe(before + 1);
  await transport.terminateSession();
  await client.close();
  await eventually(() => !alive(pid));
  await eventually(async () => (await openSessions(counter)) === before);
  await counter.close();
});

test('a client session closed for being idle takes its upstream sessions with it', async () => {
  const { client } = await httpClient();
  const pid = Number(await call(client, 'sp__pid'));
  expect(alive(pid)).toBe(true);
  // The client goes quiet without ending its session (session_idle is 1s).
  await client.close();
  await eventually(() => !alive(pid));
});

test('a stdio client leaving stops its per-client upstream processes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-per-client-'));
  const config = join(dir, 'toolgate.yaml');
  writeFileSync(config, `listen: { stdio: true }\nupstreams:\n${upstreamsYaml}\n`);
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: node, args: [join(root, 'test/fixtures/permit-all-gateway.mjs'), config], stderr: 'ignore' }));
  const pid = Number(await call(client, 'sp__pid'));
  expect(alive(pid)).toBe(true);
  await client.close();
  await eventually(() => !alive(pid));
});
