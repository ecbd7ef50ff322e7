// The hashes in a call's receipts are checkable from what the client holds (docs/receipts.md §1.3):
// result.sha256 from the answer with toolgate's receipt taken out of `_meta`, and
// effective_args_sha256 present only when a rule's `set` really changed the arguments.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RECEIPT_META_KEY } from '../../src/gate/index.js';
import type { RpcErrorAnswer } from '../../src/gateway/answer.js';
import { canonicalSha256, openPayload, type CallReceiptBody, type Envelope } from '../../src/receipts/index.js';
import { UpstreamRpcError } from '../../src/upstream/index.js';
import { gateRig, type Rig } from './rig.js';

const rules = `  - id: capped
    match: { server: db, tool: query }
    effect: allow_with_constraints
    constraints: { set: { limit: 'has(args.limit) ? min(args.limit, 100) : 100' } }
`;

let rig: Rig;
afterEach(() => rig.close());

const receiptOf = (answer: CallToolResult) => openPayload((answer._meta as Record<string, Envelope>)[RECEIPT_META_KEY]!).body as CallReceiptBody;

/** What a client does: take toolgate's receipt out of `_meta`, and `_meta` itself when nothing else is left. */
function withoutReceipt(answer: CallToolResult): Record<string, unknown> {
  const { [RECEIPT_META_KEY]: _, ...meta } = (answer._meta ?? {}) as Record<string, unknown>;
  const { _meta, ...rest } = answer;
  return Object.keys(meta).length ? { ...rest, _meta: meta } : rest;
}

describe('a call receipt', () => {
  it('has no effective_args_sha256 when set left the arguments as they were', async () => {
    rig = await gateRig(rules);
    const answer = await rig.call('query', { sql: 'select 1', limit: 100 });
    expect(answer.isError).toBeFalsy();
    expect(rig.upstream.calls).toEqual([{ sql: 'select 1', limit: 100 }]);
    const receipt = receiptOf(answer);
    expect(receipt.event).toBe('complete');
    expect(receipt.call.effective_args_sha256).toBeUndefined();
  });

  it('names the forwarded arguments when set changed them', async () => {
    rig = await gateRig(rules);
    const receipt = receiptOf(await rig.call('query', { sql: 'select 1', limit: 5000 }));
    expect(receipt.call.args_sha256).toBe(canonicalSha256({ sql: 'select 1', limit: 5000 }));
    expect(receipt.call.effective_args_sha256).toBe(canonicalSha256({ sql: 'select 1', limit: 100 }));
  });

  it.each([
    ['no _meta', {}],
    ['an empty _meta', { _meta: {} }],
    ['a _meta of its own', { _meta: { 'example.com/trace': 'abc' } }],
    ["a _meta that claims toolgate's key", { _meta: { [RECEIPT_META_KEY]: 'forged by the upstream' } }],
  ])('hashes a result with %s so the client can check it', async (_, extra) => {
    rig = await gateRig(rules);
    rig.upstream.answer = async () => ({ content: [{ type: 'text', text: 'rows' }], ...extra });
    const answer = await rig.call('query', { sql: 'select 1' });
    expect(receiptOf(answer).result!.sha256).toBe(canonicalSha256(withoutReceipt(answer)));
  });

  it.each([
    ['no data', {}],
    ['an empty data object', { data: {} }],
    ['data of its own', { data: { retry_after: 5 } }],
    ['data that is a string', { data: 'see logs' }],
  ])("hashes an upstream's JSON-RPC error with %s so the client can check it", async (_, extra) => {
    rig = await gateRig(rules);
    rig.upstream.answer = async () => {
      throw new UpstreamRpcError({ code: -32050, message: 'quota exceeded', ...extra });
    };
    const thrown = (await rig.call('query', { sql: 'select 1' }).catch((err: unknown) => err)) as RpcErrorAnswer;
    const data = thrown.data as Record<string, unknown> | string;
    const envelope = typeof data === 'object' ? (data[RECEIPT_META_KEY] as Envelope | undefined) : undefined;
    // Data that is not an object cannot carry the receipt: the ledger has it.
    const receipt = envelope ? (openPayload(envelope).body as CallReceiptBody) : undefined;
    const { [RECEIPT_META_KEY]: _receipt, ...kept } = typeof data === 'object' ? data : {};
    const held = { code: thrown.code, message: thrown.message, ...(typeof data !== 'object' ? { data } : Object.keys(kept).length ? { data: kept } : {}) };
    if (receipt) expect(receipt.result).toEqual({ sha256: canonicalSha256(held), is_error: true, error_code: -32050 });
    else expect(typeof data).toBe('string');
  });
});
