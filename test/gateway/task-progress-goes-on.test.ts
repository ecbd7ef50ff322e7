// Progress of a call made as a task goes on after the task was created (MCP 2025-11-25, tasks: the
// original progressToken stays valid until the task ends): what the upstream reports on it after the
// CreateTaskResult reaches the client through the gateway as it does directly, over a stdio and an
// HTTP upstream (test/fixtures/tasks-server.mjs, tool `steps`), under the client's own token.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateTaskResultSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { eventually, gatewayFrom, httpClient, node, root, stdioUpstream } from './helpers.js';

const tasksServer = join(root, 'test/fixtures/tasks-server.mjs');
let httpUpstream: ChildProcess;
let gateway: Gateway;
const clients: Client[] = [];

beforeAll(async () => {
  httpUpstream = spawn(node, [tasksServer, '--http'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => httpUpstream.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  gateway = await gatewayFrom(
    `listen: { http: { port: 0 } }\nupstreams:\n  tk: ${stdioUpstream(tasksServer)}\n  th: { url: "http://127.0.0.1:${port}/mcp" }\n`,
  );
}, 30_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await gateway?.close();
  httpUpstream?.kill();
});

/** The progress a client is told of a `steps` task, from its creation to its end. */
async function progressOf(client: Client, name: string): Promise<Progress[]> {
  clients.push(client);
  const progress: Progress[] = [];
  const created = await client.request({ method: 'tools/call', params: { name, arguments: { steps: 3 }, task: { ttl: 60_000 } } }, CreateTaskResultSchema, {
    onprogress: (p) => void progress.push(p),
  });
  await eventually(async () => (await client.experimental.tasks.getTask(created.task.taskId)).status === 'completed');
  // The last progress may trail the status the client polled.
  await eventually(() => progress.length >= 3, 2_000).catch(() => undefined);
  return progress;
}

test('progress after the task was created reaches the client, as it does directly', async () => {
  const direct = new Client({ name: 'direct', version: '1' });
  await direct.connect(new StdioClientTransport({ command: node, args: [tasksServer], stderr: 'ignore' }));
  const expected = await progressOf(direct, 'steps');
  expect(expected.map((p) => p.progress)).toEqual([1, 2, 3]);
  for (const name of ['tk__steps', 'th__steps']) expect(await progressOf(await httpClient(gateway.http!.url), name), name).toEqual(expected);
});
