// Through the real `toolgate serve`: permitted, denied and silenced calls each come back with their
// signed receipt, which verifies offline with the CLI; the ledger verifies as a whole afterwards.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { receiptBody, servedForFile, textOf, toolgate } from './harness.js';

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

const receiptOf = (result: unknown) => (result as { _meta?: Record<string, unknown> })._meta?.['dev.toolgate/receipt'];

describe('every call gets a signed receipt', () => {
  const gate = servedForFile({ policy: POLICY });

  it('returns the upstream result with a complete receipt that verifies offline', async () => {
    const result = await gate.client().callTool({ name: 'fx__echo', arguments: { text: 'hello' } });
    expect(textOf(result)).toBe('hello');
    const envelope = receiptOf(result);
    const body = receiptBody(result);
    expect(body).toMatchObject({
      event: 'complete',
      call: { server: 'fx', tool: 'echo' },
      principal: { id: 'agent:ci' },
      policy: { rules: ['echo-ok'], effect: 'permit' },
      result: { is_error: false },
    });
    expect(body.ref).toMatch(/^[0-9a-f]{64}$/);
    const verified = toolgate(['verify', '-', '--keyring', join(gate.served().dir, 'keys/keyring.json')], JSON.stringify(envelope));
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
  });

  it('keeps the upstream result exactly as sent, adding only the receipt to _meta', async () => {
    const result = await gate.client().callTool({ name: 'fx__exact', arguments: {} });
    const { 'dev.toolgate/receipt': receipt, ...meta } = (result._meta ?? {}) as Record<string, unknown>;
    expect(receipt).toBeDefined();
    expect({ ...result, _meta: meta }).toEqual({
      content: [{ type: 'text', text: 'exact' }],
      structuredContent: { answer: 42, nested: { list: [1, 'two'] } },
      isError: true,
      _meta: { 'example.com/trace': 'abc' },
    });
    expect(receiptBody({ _meta: { 'dev.toolgate/receipt': receipt } }).result.is_error).toBe(true);
  });

  it('refuses a denied call with the rule and reason, and its deny receipt', async () => {
    const result = await gate.client().callTool({ name: 'fx__echo', arguments: { text: 'say forbidden things' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('echo-forbidden');
    expect(textOf(result)).toContain('echo of forbidden words is not allowed');
    expect(receiptBody(result)).toMatchObject({ event: 'deny', policy: { rules: ['echo-forbidden'], effect: 'deny' } });
  });

  it('refuses a call no rule speaks for as SILENCE, and never reaches the upstream', async () => {
    const result = await gate.client().callTool({ name: 'fx__crash', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('no policy rule permits fx/crash for agent:ci');
    expect(receiptBody(result)).toMatchObject({ event: 'silence', call: { server: 'fx', tool: 'crash' } });
    // Had the crash tool run, the upstream would be restarting now.
    expect(textOf(await gate.client().callTool({ name: 'fx__echo', arguments: { text: 'still here' } }))).toBe('still here');
  });

  it('leaves a ledger that verifies end to end after a clean stop', async () => {
    await gate.client().close();
    expect(await gate.served().stop('SIGTERM')).toBe(0);
    const verified = toolgate(['ledger', 'verify', '--dir', join(gate.served().dir, 'ledger'), '--keyring', join(gate.served().dir, 'keys/keyring.json')]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    const stats = toolgate(['ledger', 'stats', '--dir', join(gate.served().dir, 'ledger')]);
    expect(stats.stdout).toMatch(/silence/);
  });
});
