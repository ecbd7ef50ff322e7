// Clients see each tool as the upstream defined it, renamed: execution (taskSupport), icons, _meta,
// annotations and outputSchema included, whatever the route, and also when the tools are pinned.
import { expect, test } from 'vitest';
import { pinnedGateway } from './pinned-gateway.js';
import { sideBySide, withoutReceipts } from './side-by-side.js';

const { direct, through } = sideBySide();

test.each(through)('tools/list shows the definitions the client gets directly: $name', async (route) => {
  // toolgate lists tools in name order (docs/gateway.md), the upstream in its own.
  const expected = (await (await direct[0]!.connect()).listTools()).tools.sort((a, b) => (a.name < b.name ? -1 : 1));
  expect(expected.find((t) => t.name === 'described')).toMatchObject({ execution: { taskSupport: 'optional' }, _meta: {}, icons: [{}] });
  expect(withoutReceipts((await (await route.connect()).listTools()).tools)).toEqual(expected);
});

test('a pinned tool is shown with every field the upstream sent, renamed', async () => {
  const described = {
    name: 'described',
    title: 'Described',
    description: 'a tool with every definition field set',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
    outputSchema: { type: 'object', properties: { echoed: { type: 'string' } } },
    annotations: { readOnlyHint: true },
    execution: { taskSupport: 'optional' },
    icons: [{ src: 'https://example.com/probe.png', mimeType: 'image/png' }],
    _meta: { 'example.com/probe': { version: 3 } },
  };
  const { client } = await pinnedGateway([[described]]);
  expect((await client.listTools()).tools).toEqual([{ ...described, name: 'fx__described' }]);
});
