// Through the real `toolgate serve`: permitted, denied and silenced calls each come back with their
// signed receipt, which verifies offline with the CLI; the ledger verifies as a whole afterwards.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { agent, serve, textOf, toolgate, type Served } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-ok
    effect: allow
    match: { server: fx, tool: echo }
    when: '!args.text.contains("forbidden")'
  - id: echo-forbidden
    effect: deny
    match: { server: fx, tool: echo }
    when: 'args.text.contains("forbidden")'
    reason: echo of forbidden words is not allowed
  - id: exact-ok
    effect: allow
    match: { server: fx, tool: exact }
`;

type Envelope = { payload: string; signatures: Array<{ keyid: string; sig: string }> };
const receiptOf = (result: unknown) => (result as { _meta?: Record<string, Envelope> })._meta?.['dev.toolgate/receipt'];
const bodyOf = (envelope: Envelope | undefined) => JSON.parse(Buffer.from(envelope!.payload, 'base64').toString('utf8'));

describe('every call gets a signed receipt', () => {
  let served: Served;
  let client: Client;
  beforeAll(async () => {
    served = await serve({ policy: POLICY });
    client = await agent(served);
  });
  afterAll(async () => {
    await client?.close();
    await served?.stop();
  });

  it('returns the upstream result with a complete receipt that verifies offline', async () => {
    const result = await client.callTool({ name: 'fx__echo', arguments: { text: 'hello' } });
    expect(textOf(result)).toBe('hello');
    const envelope = receiptOf(result);
    const body = bodyOf(envelope);
    expect(body).toMatchObject({ event: 'complete', call: { server: 'fx', tool: 'echo' }, principal: { id: 'agent:ci' }, policy: { rules: ['echo-ok'], effect: 'permit' }, result: { is_error: false } });
    expect(body.ref).toMatch(/^[0-9a-f]{64}$/);
    const verified = toolgate(['verify', '-', '--keyring', join(served.dir, 'keys/keyring.json')], JSON.stringify(envelope));
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
  });

  it('keeps the upstream result exactly as sent, adding only the receipt to _meta', async () => {
    const result = await client.callTool({ name: 'fx__exact', arguments: {} });
    const { 'dev.toolgate/receipt': receipt, ...meta } = (result._meta ?? {}) as Record<string, unknown>;
    expect(receipt).toBeDefined();
    expect({ ...result, _meta: meta }).toEqual({
      content: [{ type: 'text', text: 'exact' }],
      structuredContent: { answer: 42, nested: { list: [1, 'two'] } },
      isError: true,
      _meta: { 'example.com/trace': 'abc' },
    });
    expect(bodyOf(receipt as Envelope).result.is_error).toBe(true);
  });

  it('refuses a denied call with the rule and reason, and its deny receipt', async () => {
    const result = await client.callTool({ name: 'fx__echo', arguments: { text: 'say forbidden things' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('echo-forbidden');
    expect(textOf(result)).toContain('echo of forbidden words is not allowed');
    expect(bodyOf(receiptOf(result))).toMatchObject({ event: 'deny', policy: { rules: ['echo-forbidden'], effect: 'deny' } });
  });

  it('refuses a call no rule speaks for as SILENCE, and never reaches the upstream', async () => {
    const result = await client.callTool({ name: 'fx__crash', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('no policy rule permits fx/crash for agent:ci');
    expect(bodyOf(receiptOf(result))).toMatchObject({ event: 'silence', call: { server: 'fx', tool: 'crash' } });
    // Had the crash tool run, the upstream would be restarting now.
    expect(textOf(await client.callTool({ name: 'fx__echo', arguments: { text: 'still here' } }))).toBe('still here');
  });

  it('leaves a ledger that verifies end to end after a clean stop', async () => {
    await client.close();
    expect(await served.stop('SIGTERM')).toBe(0);
    const verified = toolgate(['ledger', 'verify', '--dir', join(served.dir, 'ledger'), '--keyring', join(served.dir, 'keys/keyring.json')]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    const stats = toolgate(['ledger', 'stats', '--dir', join(served.dir, 'ledger')]);
    expect(stats.stdout).toMatch(/silence/);
  });
});
