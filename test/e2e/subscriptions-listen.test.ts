// subscriptions/listen, caching hints and the tools/list order for 2026-07-28 clients, through the real
// `toolgate serve` to the fixture upstream over stdio, with raw fetch (the exact wire forms) and the v2
// SDK client. A listen stream acknowledges first, then carries exactly the change notifications it
// asked for, each naming the subscription: the gateway's own tool list changes (an upstream's new
// tool, a policy reload that hides a tool from the principal) and updates of the resources it
// subscribed to, whose subscriptions pass the gate like resources/subscribe. Closing the stream ends
// the upstream subscription; stopping the gateway ends the stream with a result.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { receiptBody, serve, servedForFile, type Served, textOf, TOKENS, until } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: fx-tools
    effect: allow
    match: { server: fx, tool: [echo, register, touch, exact, aardvark, beaver, capybara] }
  - id: counter
    effect: allow
    match: { server: fx, method: [resources/read, resources/subscribe], uri: "fixture://counter" }
`;

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'listen-client', version: '1.0.0' },
};
const SUBSCRIPTION = 'io.modelcontextprotocol/subscriptionId';

// biome-ignore lint/suspicious/noExplicitAny: the tests read JSON-RPC messages by name.
type Message = any;

function headersFor(method: string, params: Record<string, unknown>, extra: Record<string, string> = {}): Record<string, string> {
  const name = (params.name ?? params.uri) as string | undefined;
  return {
    authorization: `Bearer ${TOKENS.agent}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': method,
    ...(name === undefined ? {} : { 'mcp-name': name }),
    ...extra,
  };
}

function send(
  url: string,
  id: number | string,
  method: string,
  params: Record<string, unknown> = {},
  extra: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(url, {
    method: 'POST',
    headers: headersFor(method, params, extra),
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: ENVELOPE } }),
    signal,
  });
}

async function call(url: string, method: string, params: Record<string, unknown> = {}): Promise<Message> {
  const res = await send(url, 1, method, params);
  return { status: res.status, ...((await res.json()) as object) };
}

/** A listen stream read as it comes: every message so far, and a wait for the next one that matches. */
class Stream {
  readonly messages: Message[] = [];
  readonly comments: string[] = [];
  ended = false;
  private wake?: () => void;
  private readonly controller = new AbortController();
  response!: Response;

  static async open(url: string, id: number | string, notifications: Record<string, unknown>): Promise<Stream> {
    const stream = new Stream();
    stream.response = await send(url, id, 'subscriptions/listen', { notifications }, {}, stream.controller.signal);
    void stream.read();
    return stream;
  }

  async next(match: (m: Message) => boolean, what: string, timeoutMs = 15_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.ended || Date.now() > deadline) throw new Error(`no ${what} on the stream: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async read(): Promise<void> {
    let buffer = '';
    try {
      const reader = this.response.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += chunk.value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) this.comments.push(block);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) this.messages.push(JSON.parse(data.slice(6)));
          this.wake?.();
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
    this.wake?.();
  }
}

describe('subscriptions/listen for 2026-07-28 clients', () => {
  const gate = servedForFile({ policy: POLICY, watch: true });
  const url = () => gate.served().mcpUrl;
  const opened: Stream[] = [];
  const listen = async (id: number | string, notifications: Record<string, unknown>) => {
    const stream = await Stream.open(url(), id, notifications);
    opened.push(stream);
    return stream;
  };
  afterAll(() => {
    for (const stream of opened) stream.close();
  });

  it('server/discover advertises list changes and subscriptions, with public caching hints', async () => {
    const { status, result } = await call(url(), 'server/discover');
    expect(status).toBe(200);
    expect(result.capabilities).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true, listChanged: true } });
    expect(result).toMatchObject({ ttlMs: 60_000, cacheScope: 'public' });
  });

  it('tools/list is in name order, private under hide_denied_tools, and resources/read is private and never fresh', async () => {
    const { result } = await call(url(), 'tools/list');
    const names = result.tools.map((t: { name: string }) => t.name);
    expect(names.length).toBeGreaterThan(3);
    expect(names).toEqual([...names].sort());
    expect(result).toMatchObject({ ttlMs: 60_000, cacheScope: 'private' });
    const read = await call(url(), 'resources/read', { uri: 'fixture://counter' });
    expect(read.result).toMatchObject({ ttlMs: 0, cacheScope: 'private' });
    const listed = await call(url(), 'resources/list');
    expect(listed.result).toMatchObject({ ttlMs: 60_000, cacheScope: 'public' });
  });

  it('acknowledges first under the request id, then tells of a new upstream tool; the order stays by name', async () => {
    const stream = await listen('tools-1', { toolsListChanged: true, promptsListChanged: true });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
    const ack = await stream.next((m) => m.method === 'notifications/subscriptions/acknowledged', 'acknowledgment');
    expect(stream.messages[0]).toBe(ack);
    // The fixture serves no prompts: that part of the filter is not honored.
    expect(ack.params).toEqual({ notifications: { toolsListChanged: true }, _meta: { [SUBSCRIPTION]: 'tools-1' } });
    const registered = await call(url(), 'tools/call', { name: 'fx__register', arguments: { name: 'aardvark' } });
    expect(registered.result.isError).toBeFalsy();
    const changed = await stream.next((m) => m.method === 'notifications/tools/list_changed', 'tools/list_changed');
    expect(changed.params._meta[SUBSCRIPTION]).toBe('tools-1');
    const names = (await call(url(), 'tools/list')).result.tools.map((t: { name: string }) => t.name);
    expect(names).toContain('fx__aardvark');
    expect(names).toEqual([...names].sort());
  });

  it('carries only what was asked for: a stream for resource list changes hears nothing of tools', async () => {
    const tools = await listen(7, { toolsListChanged: true });
    const resources = await listen(8, { resourcesListChanged: true });
    await tools.next((m) => m.method === 'notifications/subscriptions/acknowledged', 'acknowledgment');
    const ack = await resources.next((m) => m.method === 'notifications/subscriptions/acknowledged', 'acknowledgment');
    expect(ack.params.notifications).toEqual({ resourcesListChanged: true });
    await call(url(), 'tools/call', { name: 'fx__register', arguments: { name: 'beaver' } });
    await tools.next((m) => m.method === 'notifications/tools/list_changed', 'tools/list_changed');
    await new Promise((r) => setTimeout(r, 300));
    expect(resources.messages.map((m) => m.method)).toEqual(['notifications/subscriptions/acknowledged']);
  });

  it('subscriptions pass the gate: the permitted one is honored and updated, the refused one is named with its receipt; closing ends it upstream', async () => {
    const stream = await listen(9, { resourceSubscriptions: ['fixture://counter', 'fixture://secret'] });
    const ack = await stream.next((m) => m.method === 'notifications/subscriptions/acknowledged', 'acknowledgment');
    expect(ack.params.notifications).toEqual({ resourceSubscriptions: ['fixture://counter'] });
    const [refused] = ack.params._meta['dev.toolgate/refused'];
    expect(refused.uri).toBe('fixture://secret');
    expect(refused.error.code).toBe(-32003);
    expect(receiptBody({ _meta: refused.error.data })).toMatchObject({ event: 'silence', call: { method: 'resources/subscribe', uri: 'fixture://secret' } });
    // The fixture's counter resource reads as the number of subscriptions it holds.
    expect(textOf({ content: (await call(url(), 'resources/read', { uri: 'fixture://counter' })).result.contents })).toBe('1');
    await call(url(), 'tools/call', { name: 'fx__touch', arguments: {} });
    const updated = await stream.next((m) => m.method === 'notifications/resources/updated', 'resources/updated');
    expect(updated.params).toEqual({ uri: 'fixture://counter', _meta: { [SUBSCRIPTION]: 9 } });
    stream.close();
    await until(
      async () => textOf({ content: (await call(url(), 'resources/read', { uri: 'fixture://counter' })).result.contents }) === '0',
      'the upstream subscription to end',
    );
  });

  it('a policy reload that hides a tool from the principal is a tool list change on its stream', async () => {
    const stream = await listen(10, { toolsListChanged: true });
    await stream.next((m) => m.method === 'notifications/subscriptions/acknowledged', 'acknowledgment');
    expect((await call(url(), 'tools/list')).result.tools.map((t: { name: string }) => t.name)).toContain('fx__exact');
    writeFileSync(join(gate.served().dir, 'policy.yaml'), `${POLICY}  - id: no-exact\n    effect: deny\n    match: { server: fx, tool: exact }\n`);
    await stream.next((m) => m.method === 'notifications/tools/list_changed', 'tools/list_changed after the reload');
    expect((await call(url(), 'tools/list')).result.tools.map((t: { name: string }) => t.name)).not.toContain('fx__exact');
  });

  it('the v2 SDK client listens through toolgate and hears of tool list changes', async () => {
    const client = new Client({ name: 'v2-listener', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url()), { requestInit: { headers: { authorization: `Bearer ${TOKENS.agent}` } } }));
    let heard = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void heard++);
    const subscription = await client.listen({ toolsListChanged: true });
    expect(subscription.honoredFilter).toEqual({ toolsListChanged: true });
    await call(url(), 'tools/call', { name: 'fx__register', arguments: { name: 'capybara' } });
    await until(() => heard > 0, 'the v2 client to hear of the change');
    await subscription.close();
    await client.close();
  });

  it('a request from a foreign Origin is refused with 403 and a JSON-RPC error without an id', async () => {
    for (const origin of ['http://evil.example', 'null']) {
      const res = await send(url(), 1, 'tools/list', {}, { origin });
      expect(res.status).toBe(403);
      const body = (await res.json()) as Message;
      expect(body.error.message).toContain('Origin');
      expect('id' in body).toBe(false);
    }
    const own = new URL(url()).origin;
    expect((await send(url(), 1, 'tools/list', {}, { origin: own })).status).toBe(200);
  });

  it('stopping the gateway ends an open stream with its result', async () => {
    const stream = await listen(11, { toolsListChanged: true });
    await stream.next((m) => m.method === 'notifications/subscriptions/acknowledged', 'acknowledgment');
    await gate.served().stop();
    const end = await stream.next((m) => m.id === 11, 'the closing result');
    expect(end.result).toMatchObject({ resultType: 'complete', _meta: { [SUBSCRIPTION]: 11 } });
  });
});

describe('caching hints without hide_denied_tools', () => {
  let served: Served | undefined;
  afterAll(() => served?.stop());

  it('tools/list is public when no principal sees a different list', async () => {
    served = await serve({ policy: POLICY, policyOptions: 'hide_denied_tools: false' });
    const { result } = await call(served.mcpUrl, 'tools/list');
    expect(result).toMatchObject({ ttlMs: 60_000, cacheScope: 'public' });
  });
});
