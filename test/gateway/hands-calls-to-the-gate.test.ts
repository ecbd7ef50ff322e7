// What the gate receives for each tools/call: the upstream's own names, the principal behind the
// token, the session, the JSON-RPC id and the sha256 of the canonical arguments; and a refusal
// by the gate never reaches the upstream.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CallRequest, Decider } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { pinOf } from '../../src/pins/index.js';
import { fixture, gatewayFrom, httpClient, stdioUpstream, text } from './helpers.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const seen: CallRequest[] = [];
const recordAndDecide: Decider = (request) => {
  seen.push(request);
  const permit = request.tool !== 'crash';
  return { outcome: permit ? 'permit' : 'deny', rules: ['r1'], reason: permit ? 'ok' : 'crash is not allowed here', bundleSha256: '0'.repeat(64) };
};
let gateway: Gateway;

beforeAll(async () => {
  gateway = await gatewayFrom(
    `
listen: { http: { port: 0 } }
principals: [ { id: "agent:ci", token_sha256: "${sha('ci-token')}", groups: [engineering] } ]
upstreams:
  fx: ${stdioUpstream(fixture)}
`,
    recordAndDecide,
  );
});
afterAll(() => gateway?.close());

test('the gate gets the upstream names, principal, session and canonical argument hash', async () => {
  const client = await httpClient(gateway.http!.url, { token: 'ci-token' });
  seen.length = 0;
  expect(text(await client.callTool({ name: 'fx__echo', arguments: { text: 'é', extra: { b: 2, a: 1 } } }))).toBe('é');
  const [request] = seen;
  expect(request).toMatchObject({
    server: 'fx',
    tool: 'echo',
    principal: { id: 'agent:ci', groups: ['engineering'] },
    session: (client.transport as { sessionId?: string }).sessionId,
    args: { text: 'é', extra: { b: 2, a: 1 } },
    argsSha256: sha('{"extra":{"a":1,"b":2},"text":"é"}'),
  });
  // The pin of the definition the client was shown (under the upstream's own name).
  const shown = (await client.listTools()).tools.find((t) => t.name === 'fx__echo')!;
  expect(request!.toolSha256).toBe(pinOf({ ...shown, name: 'echo' }));
  expect(typeof request!.rpcId).toBe('number');
  expect(request!.callId).toMatch(/^[0-9a-f-]{36}$/);
  await client.close();
});

test('a call the gate refuses is answered with its reason and never reaches the upstream', async () => {
  const client = await httpClient(gateway.http!.url, { token: 'ci-token' });
  const refused = await client.callTool({ name: 'fx__crash', arguments: {} });
  expect(refused.isError).toBe(true);
  expect(text(refused)).toContain('crash is not allowed here');
  // Had the call run, the upstream process would have exited and this would be a tool error.
  expect(text(await client.callTool({ name: 'fx__echo', arguments: { text: 'still up' } }))).toBe('still up');
  await client.close();
});
