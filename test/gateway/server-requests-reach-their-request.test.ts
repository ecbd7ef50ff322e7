// A request an upstream sends while it works on a call (sampling) reaches the client session and
// the very request it belongs to: an HTTP upstream's stream says which request it came with, so
// even on a shared upstream session two clients' calls in flight are told apart, and an HTTP
// client gets each sampling request on the stream of its own call. A URL elicitation's completion
// reaches the session asked to complete it, however many calls are in flight.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Gateway } from '../../src/gateway/index.js';
import { answerSampling, eventually, gatewayFrom, node, text } from './helpers.js';
import { probe } from './side-by-side.js';

let upstream: ChildProcess;
let gateway: Gateway;
const clients: Client[] = [];

beforeAll(async () => {
  upstream = spawn(node, [probe, '--http'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => upstream.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const url = JSON.stringify(`http://127.0.0.1:${port}/mcp`);
  gateway = await gatewayFrom(
    `listen: { http: { port: 0 } }\nupstreams:\n  shared: { url: ${url}, session: shared }\n  own: { url: ${url}, session: per-client }\n`,
  );
}, 30_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await gateway?.close();
  upstream?.kill();
});

/** The SSE text of each POST of a tools/call, by the call's `text` argument: what arrived on that call's own stream. */
function recordingStreams(): { fetch: FetchLike; streams: Map<string, Promise<string>> } {
  const streams = new Map<string, Promise<string>>();
  const recording: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if (init?.method !== 'POST' || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
    const [forClient, forTest] = response.body.tee();
    const sent = JSON.parse(String(init.body)) as { method?: string; params?: { arguments?: { text?: string } } };
    if (sent.method === 'tools/call') streams.set(String(sent.params?.arguments?.text), new Response(forTest).text());
    return new Response(forClient, { status: response.status, headers: response.headers });
  };
  return { fetch: recording, streams };
}

async function connect(capabilities: Record<string, unknown>, fetch?: FetchLike): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL(gateway.http!.url), fetch ? { fetch } : {}));
  clients.push(client);
  return client;
}

/** The text of every sampling request in an SSE stream's text. */
function sampledIn(sse: string): string[] {
  return sse
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 'data: '.length) // not a priming event
    .map((line) => JSON.parse(line.slice(6)) as { method?: string; params?: { messages: { content: { text: string } }[] } })
    .filter((m) => m.method === 'sampling/createMessage')
    .map((m) => m.params!.messages[0]!.content.text);
}

describe.each(['shared', 'own'])('upstream session %s (HTTP upstream)', (name) => {
  test('two clients with calls in flight each get their own sampling request', async () => {
    const [a, b] = [await connect({ sampling: {} }), await connect({ sampling: {} })];
    // Neither answers before its own request arrived; B's is sent while A's call is in flight.
    const askedA = answerSampling(a, 1);
    const askedB = answerSampling(b, 1);
    const [ra, rb] = await Promise.all([
      a.callTool({ name: `${name}__sample`, arguments: { text: 'for a' } }),
      b.callTool({ name: `${name}__sample`, arguments: { text: 'for b' } }),
    ]);
    expect([text(ra), text(rb)]).toEqual(['sampled for a', 'sampled for b']);
    expect([askedA, askedB]).toEqual([['for a'], ['for b']]);
  });

  test('two calls in flight in one session each get their sampling request on their own stream', async () => {
    const { fetch, streams } = recordingStreams();
    const client = await connect({ sampling: {} }, fetch);
    answerSampling(client, 2);
    const results = await Promise.all(['one', 'two'].map((said) => client.callTool({ name: `${name}__sample`, arguments: { text: said } })));
    expect(results.map(text)).toEqual(['sampled one', 'sampled two']);
    expect(sampledIn(await streams.get('one')!)).toEqual(['one']);
    expect(sampledIn(await streams.get('two')!)).toEqual(['two']);
  });
});

test('a URL elicitation completes at the session that was asked, not at the one whose call is in flight', async () => {
  const [asked, other] = [await connect({ elicitation: { url: {} } }), await connect({ elicitation: { url: {} } })];
  const heard = new Map<Client, unknown[]>([
    [asked, []],
    [other, []],
  ]);
  for (const [client, list] of heard)
    client.fallbackNotificationHandler = async (n) => void (n.method === 'notifications/elicitation/complete' && list.push(n.params));
  await expect(asked.callTool({ name: 'shared__url-required', arguments: { id: 'el-a' } })).rejects.toMatchObject({ code: -32042 });
  // The other session's call makes the upstream complete it (after answering, outside any request).
  expect(text(await other.callTool({ name: 'shared__complete-elicitation', arguments: { id: 'el-a' } }))).toBe('will complete');
  await eventually(() => heard.get(asked)!.length > 0);
  expect(heard.get(asked)).toEqual([{ elicitationId: 'el-a' }]);
  expect(heard.get(other)).toEqual([]);
});

test('an upstream request for a client that did not declare the capability is refused by toolgate, not sent to it', async () => {
  const client = await connect({});
  let sampled = false;
  client.fallbackRequestHandler = async () => {
    sampled = true;
    return {};
  };
  // The probe answers its call with the error its sampling request got (the SDK prefixes it).
  await expect(client.callTool({ name: 'shared__sample', arguments: { text: 'x' } })).rejects.toThrow('the client did not declare sampling');
  expect(sampled).toBe(false);
});
