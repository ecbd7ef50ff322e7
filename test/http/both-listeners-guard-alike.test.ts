// The MCP listener and the admin API share one HTTP edge: the same request gets the same answer
// from both at the guards (Host and Origin against DNS rebinding, bearer tokens, the body limit,
// the JSON media type). Each case runs against a real gateway and a real admin server.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { approvalRoutes, createAdminServer, type AdminServer } from '../../src/admin/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { directory, log, setup } from '../approvals/fixtures.js';
import { fixture, gatewayFrom, type RawAnswer, rawRequest as send, stdioUpstream } from '../gateway/helpers.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const ALLOWED_HOSTS = ['fd00::1', '[fd00::2]', 'gate.internal'];
const ALLOWED_ORIGINS = ['https://console.example'];

/** One listener under test: where to send a request that passes every guard when headers allow it. */
interface Listener {
  url: URL;
  token: string;
  /** A request that needs authentication and succeeds (200) once admitted. */
  method: 'GET' | 'POST';
  body?: string;
  /** A POST route that reads a JSON body, for the body limit and media type cases. */
  bodyPath: string;
}

const init = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** An admitted request to `listener`, with `headers` changed. */
function probe(listener: Listener, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const base: Record<string, string> = { authorization: `Bearer ${listener.token}`, accept: 'application/json, text/event-stream' };
  if (listener.body !== undefined) base['content-type'] = 'application/json';
  return send(listener.url, listener.method, { ...base, ...headers }, listener.body);
}

async function gatewayListening(host: string): Promise<{ gateway: Gateway; listener: Listener }> {
  const gateway = await gatewayFrom(`
listen: { http: { host: "${host}", port: 0, max_body_bytes: 1000, allowed_hosts: ${JSON.stringify(ALLOWED_HOSTS)}, allowed_origins: ${JSON.stringify(ALLOWED_ORIGINS)} } }
principals:
  - { id: agent:a, token_sha256: "${sha('token-a')}" }
upstreams:
  fx: ${stdioUpstream(fixture)}
`);
  const url = new URL(gateway.http!.url);
  url.hostname = '127.0.0.1';
  return { gateway, listener: { url, token: 'token-a', method: 'POST', body: init, bodyPath: url.pathname } };
}

async function adminListening(host: string): Promise<{ admin: AdminServer; listener: Listener }> {
  const { approvals } = await setup();
  const admin = createAdminServer({
    admin: { host, port: 0, allowed_hosts: ALLOWED_HOSTS, allowed_origins: ALLOWED_ORIGINS },
    reviewers: directory,
    log,
    routes: approvalRoutes(approvals),
    maxBodyBytes: 1000,
  });
  const url = new URL(`${await admin.listen()}/api/whoami`);
  url.hostname = '127.0.0.1';
  return { admin, listener: { url, token: 'alice-token', method: 'GET', bodyPath: '/api/approvals/apr_none/approve' } };
}

const closers: Array<() => Promise<unknown>> = [];
const listeners: Record<string, Listener> = {};
const wildcard: Record<string, Listener> = {};

const starters: Record<string, (host: string) => Promise<{ listener: Listener; close: () => Promise<unknown> }>> = {
  'the MCP listener': async (host) => {
    const { gateway, listener } = await gatewayListening(host);
    return { listener, close: () => gateway.close() };
  },
  'the admin API': async (host) => {
    const { admin, listener } = await adminListening(host);
    return { listener, close: () => admin.close() };
  },
};

beforeAll(async () => {
  for (const [name, start] of Object.entries(starters)) {
    const local = await start('127.0.0.1');
    closers.push(local.close);
    listeners[name] = local.listener;
    const any = await start('0.0.0.0');
    closers.push(any.close);
    wildcard[name] = any.listener;
  }
});
afterAll(async () => {
  for (const close of closers) await close();
});

describe.each(['the MCP listener', 'the admin API'])('%s', (name) => {
  const port = () => listeners[name]!.url.port;

  test('takes the IPv6 loopback as a Host with brackets, with or without a port, and bare', async () => {
    for (const host of [`[::1]:${port()}`, '[::1]', '::1', `localhost:${port()}`, `127.0.0.1:${port()}`]) {
      expect([host, (await probe(listeners[name]!, { host })).status]).toEqual([host, 200]);
    }
  });

  test('matches allowed_hosts written with or without IPv6 brackets, case-insensitively', async () => {
    for (const host of ['[fd00::1]:8080', '[fd00::1]', 'fd00::1', '[FD00::2]:8080', '[fd00::2]', 'Gate.Internal:443']) {
      expect([host, (await probe(listeners[name]!, { host })).status]).toEqual([host, 200]);
    }
  });

  test('refuses any other Host with 403 (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${port()}`, '[fd00::9]:8080', 'fd00::1.evil.example', `localhost.evil.example:${port()}`]) {
      const answer = await probe(listeners[name]!, { host });
      expect([host, answer.status]).toEqual([host, 403]);
      expect(answer.body).toContain('Host');
    }
  });

  test('bound to every interface, it does not take the wildcard address as a Host', async () => {
    const any = wildcard[name]!;
    expect((await probe(any, { host: `127.0.0.1:${any.url.port}` })).status).toBe(200);
    for (const host of [`0.0.0.0:${any.url.port}`, '0.0.0.0', '[::]']) expect([host, (await probe(any, { host })).status]).toEqual([host, 403]);
  });

  test('refuses a foreign Origin, and takes its own host (http or https) and allowed_origins', async () => {
    const host = `127.0.0.1:${port()}`;
    const refused = await probe(listeners[name]!, { host, origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Origin');
    for (const origin of [`http://${host}`, `https://${host}`, 'https://console.example']) {
      expect([origin, (await probe(listeners[name]!, { host, origin })).status]).toEqual([origin, 200]);
    }
  });

  test('answers a missing or unknown bearer token with 401 and WWW-Authenticate: Bearer', async () => {
    for (const authorization of ['', 'Bearer not-a-token', 'Basic YWxpY2U6cHc=']) {
      const answer = await probe(listeners[name]!, { authorization });
      expect([authorization, answer.status]).toEqual([authorization, 401]);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer\b/);
    }
  });

  test('refuses a body over the limit with 413 and closes the connection', async () => {
    const listener = listeners[name]!;
    const url = new URL(listener.bodyPath, listener.url);
    const headers = { authorization: `Bearer ${listener.token}`, 'content-type': 'application/json', accept: 'application/json' };
    const answer = await send(url, 'POST', headers, JSON.stringify({ pad: 'x'.repeat(2000) }));
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
  });

  test('reads a JSON body whatever the case of its media type', async () => {
    const listener = listeners[name]!;
    const url = new URL(listener.bodyPath, listener.url);
    const headers = { authorization: `Bearer ${listener.token}`, 'content-type': 'Application/JSON; charset=UTF-8', accept: 'application/json' };
    const answer = await send(url, 'POST', headers, listener.body ?? '{}');
    expect(answer.status).not.toBe(415);
    expect(answer.status).toBeLessThan(500);
  });
});
