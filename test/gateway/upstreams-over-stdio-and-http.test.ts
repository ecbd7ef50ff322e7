// server-filesystem over stdio and a Streamable HTTP upstream (with a header taken from the
// environment) side by side behind one gateway.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { filesystem, gatewayFrom, httpClient, httpFixture, node, text } from './helpers.js';

let gateway: Gateway;
let client: Client;
let httpUpstream: ChildProcess;
const sandbox = realpathSync(mkdtempSync(join(tmpdir(), 'toolgate-fs-')));

beforeAll(async () => {
  process.env.TOOLGATE_TEST_TOKEN = 'secret-123';
  httpUpstream = spawn(node, [httpFixture], { env: { ...process.env, FIXTURE_EXPECT_AUTH: 'Bearer secret-123' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => httpUpstream.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  gateway = await gatewayFrom(`
listen: { http: { port: 0 } }
upstreams:
  fs: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(filesystem)}, ${JSON.stringify(sandbox)}] }
  remote: { url: "http://127.0.0.1:${port}/mcp", headers: { Authorization: "Bearer \${TOOLGATE_TEST_TOKEN}" }, prefix: "" }
`);
  client = await httpClient(gateway.http!.url);
});
afterAll(async () => {
  await client?.close();
  await gateway?.close();
  httpUpstream?.kill();
});

test('server-filesystem writes and reads through the gateway', async () => {
  const path = join(sandbox, 'note.txt');
  const write = await client.callTool({ name: 'fs__write_file', arguments: { path, content: 'through toolgate' } });
  expect(write.isError).toBeFalsy();
  expect(readFileSync(path, 'utf8')).toBe('through toolgate');
  expect(text(await client.callTool({ name: 'fs__read_text_file', arguments: { path } }))).toBe('through toolgate');
});

test('server-filesystem refusals come back as its own tool errors', async () => {
  const result = await client.callTool({ name: 'fs__read_text_file', arguments: { path: '/etc/passwd' } });
  expect(result.isError).toBe(true);
  expect(text(result)).toMatch(/outside allowed directories|Access denied/i);
});

test('an HTTP upstream with an empty prefix exposes its tools unchanged', async () => {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toContain('shout');
  expect(text(await client.callTool({ name: 'shout', arguments: { text: 'hey' } }))).toBe('HEY');
});
