// An upstream that answers a request with a JSON-RPC error is answered: the client gets that error
// (code, message and data) as it would directly, on every method, tools/call included (a -32042
// "URL elicitation required" must stay an error the client can act on), and the receipt says `fail`.
import { describe, expect, test } from 'vitest';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_ID_META_KEY, RECEIPT_META_KEY } from '../../src/gate/index.js';
import { openPayload, type Envelope } from '../../src/receipts/index.js';
import { rejection, sideBySide } from './side-by-side.js';

const { direct, through } = sideBySide();

const ASKS = {
  'resources/read of an unknown resource': (c: Awaited<ReturnType<(typeof direct)[0]['connect']>>) => c.readResource({ uri: 'probe://missing' }),
  'tools/call answered with -32042 and data': (c: Awaited<ReturnType<(typeof direct)[0]['connect']>>) =>
    c.request({ method: 'tools/call', params: { name: 'url-required', arguments: {} } }, CallToolResultSchema),
  'tools/call answered with an McpError -32602': (c: Awaited<ReturnType<(typeof direct)[0]['connect']>>) =>
    c.request({ method: 'tools/call', params: { name: 'invalid-params', arguments: {} } }, CallToolResultSchema),
};

describe.each(Object.entries(ASKS))('%s', (_what, ask) => {
  test.each(through)('reaches the client as it does directly: $name', async (route) => {
    const expected = await rejection(ask(await direct[0]!.connect()));
    expect(expected.code).not.toBe(-32003);
    expect(await rejection(ask(await route.connect()))).toEqual(expected);
  });
});

// (The SDK client rebuilds a -32042 error's data from its elicitations alone, so the receipt is looked for on another code.)
test('the receipt of an upstream error is a fail receipt with its code, in the error data beside the upstream data', async () => {
  const client = await through[0]!.connect();
  const error = await ask(client);
  expect(error.code).toBe(-32602);
  const data = error.data as Record<string, unknown>;
  expect(data.field).toBe('text');
  expect(data[ERROR_ID_META_KEY]).toBeUndefined();
  const receipt = openPayload(data[RECEIPT_META_KEY] as Envelope).body as { event: string; result?: { error_code?: number; is_error: boolean } };
  expect(receipt.event).toBe('fail');
  expect(receipt.result).toMatchObject({ is_error: true, error_code: -32602 });

  async function ask(c: typeof client) {
    try {
      await c.request({ method: 'tools/call', params: { name: 'invalid-params', arguments: {} } }, CallToolResultSchema);
    } catch (err) {
      return err as { code: number; data: unknown };
    }
    throw new Error('no error');
  }
});
