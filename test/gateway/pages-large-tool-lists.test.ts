// A large catalog comes in pages: tools/list honours the client's cursor, the pages together hold
// every tool the upstream lists (as a client gets them directly), and a cursor the gateway did not
// give is refused as invalid params.
import { expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { rejection, sideBySide, withoutReceipts } from './side-by-side.js';

const { direct, through } = sideBySide(['--tools', '1200']);

async function everyPage(client: Client) {
  const tools: { name: string }[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    sizes.push(page.tools.length);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { tools: withoutReceipts(tools), sizes };
}

test.each(through)('the pages hold every tool, as directly: $name', async (route) => {
  const expected = await everyPage(await direct[0]!.connect());
  const got = await everyPage(await route.connect());
  // toolgate lists tools in name order (docs/gateway.md), the upstream in its own.
  expect(got.tools).toEqual([...expected.tools].sort((a, b) => (a.name < b.name ? -1 : 1)));
  // The probe's own tools and 1,200 more: two full pages and the rest.
  expect(got.sizes).toEqual([500, 500, expected.tools.length - 1000]);
});

test('a cursor the gateway did not give is invalid params', async () => {
  const client = await through[0]!.connect();
  expect((await rejection(client.listTools({ cursor: 'not-ours' }))).code).toBe(-32602);
});
