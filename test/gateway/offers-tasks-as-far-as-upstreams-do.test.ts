// The tasks capability follows the upstreams (docs/gateway.md, "Tasks"): without an upstream that
// takes task calls, clients are not offered tasks and tasks/* are not found; with one, they are.
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { fixture, gatewayFrom, httpClient, root, stdioUpstream } from './helpers.js';

const tasksServer = join(root, 'test/fixtures/tasks-server.mjs');
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

test('no upstream takes task calls: no tasks capability, and tasks/get is not found', async () => {
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n`);
  const client = await httpClient(gateway.http!.url);
  expect(client.getServerCapabilities()?.tasks).toBeUndefined();
  await expect(client.experimental.tasks.getTask('tg-0')).rejects.toMatchObject({ code: -32601 });
  await client.close();
});

test('an upstream takes task calls: tasks are offered, and an unknown task is not found', async () => {
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n  tk: ${stdioUpstream(tasksServer)}\n`);
  const client = await httpClient(gateway.http!.url);
  expect(client.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
  const tools = (await client.listTools()).tools;
  expect(tools.find((t) => t.name === 'tk__hang')?.execution).toEqual({ taskSupport: 'required' });
  await expect(client.experimental.tasks.getTask('tg-0')).rejects.toMatchObject({ code: -32602 });
  expect((await client.experimental.tasks.listTasks()).tasks).toEqual([]);
  await client.close();
});
