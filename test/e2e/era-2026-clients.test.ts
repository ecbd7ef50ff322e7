// A client of the 2026-07-28 revision through the real `toolgate serve` to a 2025-11-25 stdio
// upstream: no initialize, no session, every request carrying its envelope in `_meta` and its method
// and name in headers. server/discover is the gateway's; tools/list and tools/call take the one gate
// path (receipts returned and recording the era); headers that disagree with the body are refused;
// a 2025-11-25 client works beside it on the same listener.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envelope, receiptBody, servedForFile, statelessPost, textOf, TOKENS, toolgate } from './harness.js';

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
`;

const ENVELOPE = envelope();

// biome-ignore lint/suspicious/noExplicitAny: the test reads receipt fields by name.
function ledgerBodies(dir: string): any[] {
  const ledger = join(dir, 'ledger');
  return readdirSync(ledger)
    .filter((f) => /^receipts-.*\.jsonl$/.test(f))
    .flatMap((f) => readFileSync(join(ledger, f), 'utf8').trim().split('\n'))
    .map((line) => JSON.parse(Buffer.from(JSON.parse(line).payload, 'base64').toString('utf8')));
}

describe('a 2026-07-28 client beside a 2025-11-25 client', () => {
  const gate = servedForFile({ policy: POLICY });

  /** One stateless request, with the headers the revision requires unless `headers` overrides them. */
  const post = (method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    statelessPost(gate.served().mcpUrl, method, params, { headers });

  it('server/discover names both revisions, the gateway capabilities and its name', async () => {
    const { status, session, json } = await post('server/discover');
    expect(status).toBe(200);
    expect(session).toBeNull();
    expect(json.result).toMatchObject({
      supportedVersions: ['2026-07-28', '2025-11-25'],
      // A client of this era hears of these changes on a subscriptions/listen stream.
      capabilities: { tools: { listChanged: true } },
      ttlMs: 60_000,
      cacheScope: 'public',
      resultType: 'complete',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'e2e-gate' } },
    });
  });

  it('tools/list shows the merged tool surface, in the same order every time', async () => {
    const first = await post('tools/list');
    expect(first.json.result.resultType).toBe('complete');
    const names = first.json.result.tools.map((t: { name: string }) => t.name);
    expect(names).toContain('fx__echo');
    expect((await post('tools/list')).json.result.tools.map((t: { name: string }) => t.name)).toEqual(names);
  });

  it('a permitted call returns its result and a receipt that verifies and records the era', async () => {
    const { status, json } = await post('tools/call', { name: 'fx__echo', arguments: { text: 'stateless' } });
    expect(status).toBe(200);
    expect(json.id).toBe(1);
    expect(textOf(json.result)).toBe('stateless');
    expect(json.result.resultType).toBe('complete');
    const body = receiptBody(json.result);
    expect(body).toMatchObject({ event: 'complete', call: { server: 'fx', tool: 'echo' }, principal: { id: 'agent:ci' }, policy: { effect: 'permit' } });
    const verified = toolgate(
      ['verify', '-', '--keyring', join(gate.served().dir, 'keys/keyring.json')],
      JSON.stringify(json.result._meta['dev.toolgate/receipt']),
    );
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
    // The decision receipt (the permit the complete refers to) names the revision.
    const ledger = toolgate(['ledger', 'verify', '--dir', join(gate.served().dir, 'ledger'), '--keyring', join(gate.served().dir, 'keys/keyring.json')]);
    expect(ledger.stderr).toBe('');
    expect(ledger.status).toBe(0);
    const permit = ledgerBodies(gate.served().dir).find((b) => b.event === 'permit' && b.call.id === body.call.id);
    expect(permit.call).toMatchObject({ protocol_version: '2026-07-28', session: expect.stringMatching(/^stateless:/) });
    expect(body.call.protocol_version).toBeUndefined();
  });

  it('a denied call is refused with its deny receipt, which records the era', async () => {
    const { json } = await post('tools/call', { name: 'fx__echo', arguments: { text: 'forbidden' } });
    expect(json.result.isError).toBe(true);
    expect(textOf(json.result)).toContain('echo of forbidden words is not allowed');
    const body = receiptBody(json.result);
    expect(body).toMatchObject({ event: 'deny', call: { tool: 'echo', protocol_version: '2026-07-28' }, policy: { rules: ['echo-forbidden'] } });
  });

  it('headers that disagree with the body are refused with HTTP 400 and -32020, and nothing is called', async () => {
    const name = await post('tools/call', { name: 'fx__echo', arguments: { text: 'x' } }, { 'mcp-name': 'fx__other' });
    expect(name.status).toBe(400);
    expect(name.json.error.code).toBe(-32020);
    expect(name.json.error.message).toContain('Mcp-Name');
    const method = await post('tools/list', {}, { 'mcp-method': 'prompts/list' });
    expect(method.status).toBe(400);
    expect(method.json.error.code).toBe(-32020);
    const version = await post('tools/list', {}, { 'mcp-protocol-version': '2025-11-25' });
    expect(version.status).toBe(400);
    expect(version.json.error.code).toBe(-32020);
    const missing = await fetch(gate.served().mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKENS.agent}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'mcp-protocol-version': '2026-07-28',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: ENVELOPE } }),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: number } }).error.code).toBe(-32020);
  });

  it('a request naming an unsupported revision is refused with the versions the gateway speaks', async () => {
    const { status, json } = await post(
      'tools/list',
      { _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } },
      { 'mcp-protocol-version': '2099-01-01' },
    );
    expect(status).toBe(400);
    expect(json.error.code).toBe(-32022);
    expect(json.error.data.supported).toEqual(['2026-07-28', '2025-11-25']);
  });

  it('a 2025-11-25 client on the same listener still initializes, and its receipts name no revision', async () => {
    const result = await gate.client().callTool({ name: 'fx__echo', arguments: { text: 'forbidden too' } });
    expect(result.isError).toBe(true);
    const body = receiptBody(result);
    expect(body.event).toBe('deny');
    expect(body.call.protocol_version).toBeUndefined();
    expect(body.call.session).not.toMatch(/^stateless:/);
  });
});
