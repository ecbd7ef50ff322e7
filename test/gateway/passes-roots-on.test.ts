// Roots: an upstream that asks for roots while it works on a client's call gets that client's
// roots, and the client's notifications/roots/list_changed reach the upstream, as they do directly,
// on a shared upstream session and on the client's own (per-client).
import { describe, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { eventually, text } from './helpers.js';
import { type Route, sideBySide } from './side-by-side.js';

const ROOTS = [{ uri: 'file:///work/project', name: 'project' }];

async function withRoots(route: Route): Promise<Client> {
  const client = await route.connect({ capabilities: { roots: { listChanged: true } } });
  client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: ROOTS }));
  return client;
}

const call = async (client: Client, name: string) => text(await client.callTool({ name, arguments: {} }));

describe.each(['shared', 'per-client'] as const)('session: %s', (session) => {
  const { direct, through } = sideBySide([], session);

  test.each(through)("roots/list from the upstream is answered with the client's roots: $name", async (route) => {
    const expected = await call(await withRoots(direct[0]!), 'roots');
    expect(JSON.parse(expected)).toEqual({ roots: ROOTS });
    expect(await call(await withRoots(route), 'roots')).toBe(expected);
  });

  test.each(through)("the client's notifications/roots/list_changed reach the upstream: $name", async (route) => {
    const client = await withRoots(route);
    const before = Number(await call(client, 'roots-changes'));
    await client.sendRootsListChanged();
    await eventually(async () => Number(await call(client, 'roots-changes')) === before + 1);
  });
});
