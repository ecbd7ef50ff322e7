// Every request a client sends gets a JSON-RPC answer, over HTTP and over stdio: an error naming
// what is wrong where the request is not valid JSON-RPC 2.0 / MCP (ids and progress tokens are
// strings or integers, a request has only jsonrpc, id, method and params, ids in flight are unique),
// and the session keeps working afterwards.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { requireBuiltCli } from '../fixtures/cli.js';
import { fixture, gatewayFrom, stdioUpstream } from './helpers.js';
import { rawHttpSession, rawStdioGateway, type RawStdio } from './raw-clients.js';

type Message = Record<string, unknown> & { error?: { code: number; message: string } };

/** What a transport gives back for one line/POST: the answers to the requests in it. */
interface Asker {
  ask(message: unknown, ids: unknown[]): Promise<Message[]>;
}

const echo = (id: unknown, text: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'fx__echo', arguments: { text } },
  ...extra,
});

function behaviours(asker: () => Asker) {
  test('a tools/call with an extra top-level member gets an invalid-request error naming it', async () => {
    const [answer] = await asker().ask(echo('extra', 'x', { extra: 1 }), ['extra']);
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: 'extra', error: { code: -32600 } });
    expect(answer!.error!.message).toContain('"extra"');
    expect(answer!.result).toBeUndefined();
  });

  test('a fractional request id gets an invalid-request error under that id', async () => {
    const [call] = await asker().ask(echo(1.5, 'x'), [1.5]);
    expect(call).toMatchObject({ id: 1.5, error: { code: -32600 } });
    expect(call!.error!.message).toMatch(/id must be a string or an integer/);
    const [ping] = await asker().ask({ jsonrpc: '2.0', id: 2.5, method: 'ping' }, [2.5]);
    expect(ping).toMatchObject({ id: 2.5, error: { code: -32600 } });
  });

  test('a fractional progress token gets an invalid-params error naming the token', async () => {
    const message = { ...echo('frac', 'x'), params: { name: 'fx__echo', arguments: { text: 'x' }, _meta: { progressToken: 0.5 } } };
    const [answer] = await asker().ask(message, ['frac']);
    expect(answer).toMatchObject({ id: 'frac', error: { code: -32602 } });
    expect(answer!.error!.message).toContain('params._meta.progressToken must be a string or an integer');
  });

  test('after invalid requests the session still answers calls', async () => {
    const [answer] = await asker().ask(echo('ok', 'still here'), ['ok']);
    expect(answer).toMatchObject({ id: 'ok', result: { content: [{ type: 'text', text: 'still here' }] } });
  });
}

describe('over Streamable HTTP', () => {
  let gateway: Gateway;
  let post: (message: unknown) => Promise<{ status: number; body: string }>;
  beforeAll(async () => {
    gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n`);
    ({ post } = await rawHttpSession(gateway.http!.url));
  });
  afterAll(() => gateway?.close());
  const asker: Asker = {
    async ask(message) {
      const reply = await post(message);
      const parsed = JSON.parse(reply.body) as Message | Message[];
      return Array.isArray(parsed) ? parsed : [parsed];
    },
  };

  behaviours(() => asker);

  test('a batch with a duplicate id is answered: the first request runs, the duplicate gets an error', async () => {
    const answers = await asker.ask([echo('dup', 'first'), echo('dup', 'second')], ['dup']);
    expect(answers).toHaveLength(2);
    expect(answers.every((a) => a.id === 'dup')).toBe(true);
    expect(answers.find((a) => a.result)).toMatchObject({ result: { content: [{ text: 'first' }] } });
    const refused = answers.find((a) => a.error)!;
    expect(refused.error).toMatchObject({ code: -32600 });
    expect(refused.error!.message).toContain('"dup" is already in use');
  });

  test('a batch whose answers start as JSON and turn into a stream (progress) still carries every answer', async () => {
    const slow = { jsonrpc: '2.0', id: 'streamed', method: 'tools/call', params: { name: 'fx__slow', arguments: { steps: 3 }, _meta: { progressToken: 'p' } } };
    const reply = await post([echo('quick', 'first'), slow, echo('quick', 'duplicate')]);
    const messages = reply.body
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as Message);
    const answers = messages.filter((m) => !('method' in m));
    expect(answers.map((a) => a.id).sort()).toEqual(['quick', 'quick', 'streamed']);
    expect(messages.some((m) => m.method === 'notifications/progress')).toBe(true);
  });

  test('an id already in flight in another POST is refused at once, and the first request still gets its answer', async () => {
    const slow = post({ jsonrpc: '2.0', id: 'busy', method: 'tools/call', params: { name: 'fx__slow', arguments: { steps: 10 } } });
    await new Promise((r) => setTimeout(r, 100));
    const second = JSON.parse((await post(echo('busy', 'again'))).body) as Message;
    expect(second).toMatchObject({ id: 'busy', error: { code: -32600 } });
    expect(JSON.parse((await slow).body)).toMatchObject({ id: 'busy', result: { content: [{ text: 'done after 10' }] } });
  });
});

describe('over stdio', () => {
  let stdio: RawStdio;
  beforeAll(async () => {
    requireBuiltCli();
    stdio = await rawStdioGateway(`  fx: ${stdioUpstream(fixture)}\n`);
  });
  afterAll(() => stdio?.close());
  const asker: Asker = {
    async ask(message, ids) {
      const before = stdio.received.length;
      stdio.send(message);
      return Promise.all(ids.map((id) => stdio.answerTo(id))).then(() => stdio.received.slice(before).filter((m) => ids.includes(m.id)));
    },
  };

  behaviours(() => asker);

  test('a batch (which MCP over stdio does not carry) gets an error for each request in it, under its id', async () => {
    stdio.send([echo('dup', 'first'), echo('dup', 'second'), echo('other', 'third')]);
    await stdio.answerTo('other');
    await new Promise((r) => setTimeout(r, 100));
    const answers = stdio.received.filter((m) => m.id === 'dup' || m.id === 'other');
    expect(answers).toHaveLength(3);
    for (const answer of answers) {
      expect(answer).toMatchObject({ error: { code: -32600 } });
      expect((answer as Message).error!.message).toContain('batch');
    }
  });

  test('a line that is not JSON gets a parse error, and one that is not JSON-RPC an invalid-request error', async () => {
    const before = stdio.received.length;
    stdio.send('{not json');
    stdio.send('{"jsonrpc":"1.0","id":"old","method":"ping"}');
    await stdio.answerTo('old');
    const errors = stdio.received.slice(before).map((m) => (m as Message).error?.code);
    expect(errors).toEqual([-32700, -32600]);
  });
});
