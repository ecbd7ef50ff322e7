// The quickstart config and its demo server work as documented, and resource list changes of an
// upstream reach the client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { parseConfig } from '../../src/config/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { eventually, gatewayWithLedger, httpClient, permitAll, root, text } from './helpers.js';

let gateway: Gateway;
let client: Client;
let listChanged = 0;

beforeAll(async () => {
  const file = join(root, 'examples/quickstart/toolgate.yaml');
  // Port 0 instead of 8080, so the test never collides with a running quickstart.
  const { config } = parseConfig(file, readFileSync(file, 'utf8').replace('port: 8080', 'port: 0'));
  gateway = await gatewayWithLedger({ config, decider: permitAll });
  client = await httpClient(gateway.http!.url);
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void listChanged++);
});
afterAll(async () => {
  await client?.close();
  await gateway?.close();
});

test('the demo upstream offers echo, add, get_time and write_note', async () => {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(['demo__add', 'demo__echo', 'demo__get_time', 'demo__write_note']);
  const sum = await client.callTool({ name: 'demo__add', arguments: { a: 2, b: 3 } });
  expect(sum.structuredContent).toEqual({ sum: 5 });
});

test('a note written through the gateway is announced (list_changed) and readable as a resource', async () => {
  expect(text(await client.callTool({ name: 'demo__write_note', arguments: { name: 'hello', body: 'world' } }))).toBe('saved note hello');
  await eventually(() => listChanged > 0);
  const { resources } = await client.listResources();
  expect(resources.map((r) => r.uri)).toContain('note://hello');
  const read = await client.readResource({ uri: 'note://hello' });
  expect(read.contents[0]).toMatchObject({ uri: 'note://hello', text: 'world' });
});
