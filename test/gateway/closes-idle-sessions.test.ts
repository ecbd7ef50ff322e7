// HTTP sessions that nobody uses (no request, no open GET stream) are closed after
// listen.http.session_idle: clients rarely send DELETE.
import { expect, test } from 'vitest';
import { fixture, gatewayFrom, stdioUpstream } from './helpers.js';

test('an idle session is closed and a later request on it gets 404', async () => {
  const gateway = await gatewayFrom(`
listen: { http: { port: 0, session_idle: 1s } }
upstreams:
  fx: ${stdioUpstream(fixture)}
`);
  const post = (body: unknown, sessionId?: string) =>
    fetch(gateway.http!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
      body: JSON.stringify(body),
    });
  try {
    const init = await post({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'idle', version: '1' } },
    });
    const sessionId = init.headers.get('mcp-session-id')!;
    expect((await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, sessionId)).status).toBe(200);
    // Each probe counts as activity, so probe rarely: well past the idle time and the sweep.
    let status = 200;
    for (let i = 0; i < 5 && status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      status = (await post({ jsonrpc: '2.0', id: 2 + i, method: 'ping' }, sessionId)).status;
    }
    expect(status).toBe(404);
  } finally {
    await gateway.close();
  }
});
