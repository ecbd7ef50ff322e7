// on_drift: hide, through the real gateway: a tool whose description changes after it was pinned
// disappears from tools/list (clients hear list_changed), a call to it is refused with a SILENCE
// receipt, and once a reviewer approves the new definition it is back and its receipts carry the
// new pin.
import { expect, test } from 'vitest';
import { pinOf } from '../../src/pins/index.js';
import { eventually, receiptOf, text } from './helpers.js';
import { pinnedGateway, V1, V2 } from './pinned-gateway.js';

test('a drifted tool is hidden until its new definition is approved, then listed again', async () => {
  const pg = await pinnedGateway([V1, V2], { onDrift: 'hide' });
  await pg.drifted('echo');
  await eventually(async () => !(await pg.names()).includes('fx__echo'));
  expect(await pg.names()).toEqual(['fx__other']);

  const refused = await pg.client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } });
  expect(refused.isError).toBe(true);
  expect(receiptOf(refused)).toMatchObject({ event: 'silence', call: { server: 'fx', tool: 'echo' } });

  const before = pg.listChanges();
  await pg.registry.approve('fx', pg.identity, 'echo', 'user:reviewer');
  await eventually(() => pg.listChanges() > before);
  const { tools } = await pg.client.listTools();
  expect(tools.find((t) => t.name === 'fx__echo')?.description).toBe(V2[0]!.description);

  const called = await pg.client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } });
  expect(text(called)).toBe('{"text":"hi"}');
  expect(receiptOf(called)).toMatchObject({ event: 'complete', call: { tool: 'echo', tool_sha256: pinOf(V2[0]!) } });
});
