// `toolgate verify` on what a client holds after a real call through the real `toolgate serve` and
// a real upstream: the JSON-RPC response as it came over the wire, or the tool result in it, or a
// file of them. It checks the receipt's signature and that the receipt's result.sha256 is the hash
// of the result (or of the upstream's JSON-RPC error) it came with; a changed result or a changed
// receipt fails, with a line per item and exit code 1.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Served, servedForFile, TOKENS, toolgate } from './harness.js';

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
  - id: refuse-ok
    effect: allow
    match: { server: oc, tool: refuse }
`;

const OUTCOMES = join(import.meta.dirname, '../fixtures/outcomes-server.mjs');
const trace = join(mkdtempSync(join(tmpdir(), 'toolgate-verify-held-')), 'trace.jsonl');

/** One raw MCP session over HTTP: the JSON-RPC response of each call exactly as the gateway sent it. */
async function rawSession(served: Served): Promise<(name: string, args: Record<string, unknown>) => Promise<string>> {
  let session: string | undefined;
  let id = 0;
  const post = async (message: Record<string, unknown>): Promise<string> => {
    const res = await fetch(served.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKENS.agent}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
      },
      body: JSON.stringify(message),
    });
    session ??= res.headers.get('mcp-session-id') ?? undefined;
    const text = await res.text();
    // An SSE answer carries the response on its `data:` line.
    return res.headers.get('content-type')?.startsWith('text/event-stream')
      ? text
          .split('\n')
          .find((l) => l.startsWith('data: '))!
          .slice(6)
      : text;
  };
  await post({
    jsonrpc: '2.0',
    id: id++,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return (name, args) => post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: args } });
}

const dir = mkdtempSync(join(tmpdir(), 'toolgate-verify-held-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const lines = (out: string) => out.trim().split('\n');

describe('toolgate verify checks what a client holds', () => {
  const gate = servedForFile({
    policy: POLICY,
    upstreams: `  oc: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(OUTCOMES)}, ${JSON.stringify(trace)}] }\n`,
  });
  let keyring: string;
  let completed: string;
  let denied: string;
  let refused: string;

  beforeAll(async () => {
    keyring = join(gate.served().dir, 'keys/keyring.json');
    const call = await rawSession(gate.served());
    completed = await call('fx__echo', { text: 'hello' });
    denied = await call('fx__echo', { text: 'forbidden' });
    refused = await call('oc__refuse', {});
  });

  it('accepts JSON-RPC responses, tool results and bare receipts, and checks each result against its receipt', () => {
    const result = JSON.parse(completed).result;
    const held = file('held.jsonl', [completed, JSON.stringify(result), denied, refused, JSON.stringify(result._meta['dev.toolgate/receipt'])].join('\n'));
    const run = toolgate(['verify', held, '--keyring', keyring]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toEqual([
      expect.stringMatching(/^OK {3}.*held\.jsonl:1: rcpt_\w+ seq \d+ complete fx\/echo .*; the result matches result\.sha256$/),
      expect.stringMatching(/^OK {3}.*held\.jsonl:2: rcpt_\w+ seq \d+ complete fx\/echo .*; the result matches result\.sha256$/),
      expect.stringMatching(/^OK {3}.*held\.jsonl:3: rcpt_\w+ seq \d+ deny fx\/echo .*; a refusal: the receipt binds no result$/),
      expect.stringMatching(/^OK {3}.*held\.jsonl:4: rcpt_\w+ seq \d+ fail oc\/refuse .*; the upstream's error matches result\.sha256 \(code -32602\)$/),
      expect.stringMatching(/^OK {3}.*held\.jsonl:5: rcpt_\w+ seq \d+ complete fx\/echo /),
    ]);
  });

  it('reads a JSON array, and stdin', () => {
    const array = file('held.json', JSON.stringify([JSON.parse(completed), JSON.parse(denied)], null, 2));
    expect(lines(toolgate(['verify', array, '--keyring', keyring]).stdout)).toEqual([
      expect.stringMatching(/^OK {3}.*held\.json\[0\]: .*complete/),
      expect.stringMatching(/^OK {3}.*held\.json\[1\]: .*deny/),
    ]);
    const piped = toolgate(['verify', '-', '--keyring', keyring], completed);
    expect(piped).toMatchObject({ status: 0, stdout: expect.stringMatching(/^OK {3}stdin: .*complete.*matches result\.sha256\n$/) });
  });

  it('fails a result whose content was changed: it no longer matches the receipt', () => {
    const response = JSON.parse(completed);
    response.result.content[0].text = 'hello, changed';
    const error = JSON.parse(refused);
    error.error.message = 'the upstream said something else';
    const run = toolgate(['verify', '-', '--keyring', keyring], `${JSON.stringify(response)}\n${JSON.stringify(error)}\n${completed}\n`);
    expect(run.status).toBe(1);
    expect(lines(run.stdout)).toEqual([
      expect.stringMatching(
        /^FAIL stdin:1: result_mismatch: the result does not match the receipt's result\.sha256 [0-9a-f]{64} \(it hashes to [0-9a-f]{64}\)/,
      ),
      expect.stringMatching(/^FAIL stdin:2: result_mismatch: the upstream's error does not match the receipt's result\.sha256/),
      expect.stringMatching(/^OK {3}stdin:3: /),
    ]);
  });

  it('fails a receipt that was changed to fit a changed result: its signature breaks', () => {
    const response = JSON.parse(completed);
    response.result.content[0].text = 'hello, changed';
    const envelope = response.result._meta['dev.toolgate/receipt'];
    const body = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    const { _meta, ...plain } = response.result;
    const jcs = (v: unknown): string =>
      Array.isArray(v)
        ? `[${v.map(jcs).join(',')}]`
        : v && typeof v === 'object'
          ? `{${Object.keys(v)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${jcs((v as Record<string, unknown>)[k])}`)
              .join(',')}}`
          : JSON.stringify(v);
    body.result.sha256 = createHash('sha256').update(jcs(plain)).digest('hex');
    envelope.payload = Buffer.from(jcs(body)).toString('base64');
    const run = toolgate(['verify', '-', '--keyring', keyring], JSON.stringify(response));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^FAIL stdin: signature_invalid: signature by ed25519:\w+ does not verify/);
  });

  it('says what an item is not', () => {
    const run = toolgate(['verify', '-', '--keyring', keyring], '{"content":[{"type":"text","text":"no receipt"}]}\n');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^FAIL stdin: no_receipt: neither a receipt nor a tool result or JSON-RPC response carrying one/);
  });
});
