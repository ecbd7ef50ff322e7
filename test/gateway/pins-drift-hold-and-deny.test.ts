// on_drift: hold and deny, through the real gateway: the drifted tool stays listed (with the
// definition the upstream presents now, vetted) but its calls carry a quarantine to the gate. With
// no approvals configured a held call is refused; either way the refusal has a receipt naming the
// drift and the command that approves it, and nothing reaches the upstream until it is approved.
import { expect, test } from 'vitest';
import { pinOf } from '../../src/pins/index.js';
import { eventually, receiptOf, text } from './helpers.js';
import { pinnedGateway, V1, V2 } from './pinned-gateway.js';

for (const onDrift of ['hold', 'deny'] as const) {
  test(`on_drift: ${onDrift} keeps the tool listed and refuses its calls with a receipt until approved`, async () => {
    const pg = await pinnedGateway([V1, V2], { onDrift });
    await pg.drifted('echo');
    await eventually(async () => (await pg.client.listTools()).tools.some((t) => t.description === V2[0]!.description));
    expect(await pg.names()).toEqual(['fx__echo', 'fx__other']);

    const refused = await pg.client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('toolgate pins approve fx echo');
    const receipt = receiptOf(refused);
    expect(receipt).toMatchObject({ event: 'deny', call: { server: 'fx', tool: 'echo', tool_sha256: pinOf(V2[0]!) } });
    expect(receipt.policy.reason).toContain(`changed since it was approved (pin ${pinOf(V1[0]!).slice(0, 12)}`);
    if (onDrift === 'hold') expect(receipt.policy.rules).toEqual(['pin-drift']);

    // The other tool, unchanged, is not affected.
    expect(receiptOf(await pg.client.callTool({ name: 'fx__other', arguments: {} })).event).toBe('complete');

    await pg.registry.approve('fx', pg.identity, 'echo', 'user:reviewer');
    await eventually(async () => !(await pg.client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } })).isError);
  });
}
