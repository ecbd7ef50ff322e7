// A 2026-07-28 client through the real `toolgate serve` to 2025-11-25 upstreams (over stdio and over
// HTTP) that ask for input during a call: the client gets input-required results carrying the
// upstream's requests and a requestState, retries with its responses, and gets the call's result;
// the upstream's call stays in flight meanwhile. States are bound to the principal and the request,
// single use, integrity-protected and expiring; a retry that never comes cancels the upstream call.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, receiptBody, root, type Served, serve, sha256, statelessPost, textOf } from './harness.js';

const asksServer = join(root, 'test/fixtures/asks-server.mjs');
const TOKENS = { agent: 'agent-token-0001', other: 'other-token-0001' };
const ALL = { elicitation: {}, sampling: {}, roots: {} };
/** How long a call waits for its retry in this file's gateway. */
const WAIT_MS = 3_000;

let served: Served;
let httpUpstream: ChildProcess;

beforeAll(async () => {
  httpUpstream = spawn(process.execPath, [asksServer, '--http'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((r) => httpUpstream.stdout!.once('data', (d: Buffer) => r(d.toString().trim())));
  served = await serve({
    policy: 'version: toolgate.policy/v1\ndefaults: { effect: allow, on_error: deny }\nrules: []\n',
    listen: `input_wait: ${WAIT_MS / 1000}s`,
    upstreams: `  asks: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(asksServer)}] }
  web: { url: "http://127.0.0.1:${port}/mcp" }
`,
    principals: `  - { id: "agent:other", token_sha256: ${sha256(TOKENS.other)}, groups: [] }\n`,
  });
});

afterAll(async () => {
  await served?.stop();
  httpUpstream?.kill();
});

/** One stateless request of the revision, declaring `capabilities`. */
async function post(method: string, params: Record<string, unknown>, { capabilities = ALL, token = TOKENS.agent } = {}) {
  return (await statelessPost(served.mcpUrl, method, params, { token, meta: envelope(capabilities, 'mrtr-client') })).json;
}

const accept = (answer: string) => ({ action: 'accept', content: { answer } });
const call = (name: string) => ({ name, arguments: {} });

describe.each(['asks', 'web'])('an upstream (%s) asking during a tools/call', (upstream) => {
  it('gets an input-required result; the retry with the response gets the result and its receipt', async () => {
    const first = await post('tools/call', call(`${upstream}__ask_name`));
    expect(first.result).toMatchObject({
      resultType: 'input_required',
      inputRequests: { user_name: { method: 'elicitation/create', params: { message: 'What is your name?' } } },
      requestState: expect.any(String),
    });
    // The key the upstream named is the gateway's business, not the client's.
    expect(first.result.inputRequests.user_name.params._meta).toBeUndefined();
    const done = await post('tools/call', {
      ...call(`${upstream}__ask_name`),
      inputResponses: { user_name: accept('Ada') },
      requestState: first.result.requestState,
    });
    expect(done.result.resultType).toBe('complete');
    expect(textOf(done.result)).toBe('hello Ada');
    expect(receiptBody(done.result)).toMatchObject({ event: 'complete', call: { server: upstream, tool: 'ask_name' } });
  });

  it('asks several requests made at once in one round', async () => {
    const first = await post('tools/call', call(`${upstream}__ask_all`));
    const requests = first.result.inputRequests as Record<string, { method: string }>;
    expect(
      Object.values(requests)
        .map((r) => r.method)
        .sort(),
    ).toEqual(['elicitation/create', 'roots/list', 'sampling/createMessage']);
    const responses = Object.fromEntries(
      Object.entries(requests).map(([key, r]) => [
        key,
        r.method === 'elicitation/create'
          ? accept('Bo')
          : r.method === 'roots/list'
            ? { roots: [{ uri: 'file:///work', name: 'work' }] }
            : { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'm', stopReason: 'endTurn' },
      ]),
    );
    const done = await post('tools/call', { ...call(`${upstream}__ask_all`), inputResponses: responses, requestState: first.result.requestState });
    expect(textOf(done.result)).toBe('name=Bo sampled=hi roots=file:///work');
  });
});

describe('rounds and their states', () => {
  it('a call that asks again gets another round with a new state; a used state is refused', async () => {
    const first = await post('tools/call', call('asks__ask_twice'));
    expect(Object.keys(first.result.inputRequests)).toEqual(['first']);
    const second = await post('tools/call', { ...call('asks__ask_twice'), inputResponses: { first: accept('one') }, requestState: first.result.requestState });
    expect(second.result.resultType).toBe('input_required');
    expect(Object.keys(second.result.inputRequests)).toEqual(['second']);
    expect(second.result.requestState).not.toBe(first.result.requestState);
    const replayed = await post('tools/call', {
      ...call('asks__ask_twice'),
      inputResponses: { first: accept('again') },
      requestState: first.result.requestState,
    });
    expect(replayed.error).toMatchObject({ code: -32602, message: expect.stringContaining('used already') });
    const done = await post('tools/call', { ...call('asks__ask_twice'), inputResponses: { second: accept('two') }, requestState: second.result.requestState });
    expect(textOf(done.result)).toBe('first=one second=two');
  });

  it('a missing response is asked for again; extra responses are ignored', async () => {
    const first = await post('tools/call', call('asks__ask_name'));
    const again = await post('tools/call', { ...call('asks__ask_name'), inputResponses: { other: accept('x') }, requestState: first.result.requestState });
    expect(again.result).toMatchObject({ resultType: 'input_required', inputRequests: { user_name: { method: 'elicitation/create' } } });
    const done = await post('tools/call', {
      ...call('asks__ask_name'),
      inputResponses: { user_name: accept('Cy'), unexpected: accept('y') },
      requestState: again.result.requestState,
    });
    expect(textOf(done.result)).toBe('hello Cy');
  });

  it('a tampered state, an invalid response and a malformed inputResponses are refused; the genuine retry still works', async () => {
    const first = await post('tools/call', call('asks__ask_name'));
    const { requestState } = first.result;
    const tampered = await post('tools/call', { ...call('asks__ask_name'), inputResponses: { user_name: accept('Eve') }, requestState: `${requestState}x` });
    expect(tampered.error).toMatchObject({ code: -32602, message: expect.stringContaining('failed verification') });
    const invalid = await post('tools/call', { ...call('asks__ask_name'), inputResponses: { user_name: { action: 'maybe' } }, requestState });
    expect(invalid.error).toMatchObject({ code: -32602, message: expect.stringContaining('not a valid result of elicitation/create') });
    expect((await post('tools/call', { ...call('asks__ask_name'), inputResponses: null, requestState })).error.code).toBe(-32602);
    expect((await post('tools/call', { ...call('asks__ask_name'), inputResponses: { user_name: 12345 }, requestState })).error.code).toBe(-32602);
    const done = await post('tools/call', { ...call('asks__ask_name'), inputResponses: { user_name: accept('Di') }, requestState });
    expect(textOf(done.result)).toBe('hello Di');
  });

  it('a state is refused to another principal and on another request', async () => {
    const first = await post('tools/call', call('asks__ask_name'));
    const retry = { inputResponses: { user_name: accept('Mallory') }, requestState: first.result.requestState };
    const stolen = await post('tools/call', { ...call('asks__ask_name'), ...retry }, { token: TOKENS.other });
    expect(stolen.error).toMatchObject({ code: -32602, message: expect.stringContaining('names no call') });
    const elsewhere = await post('tools/call', { name: 'asks__ask_name', arguments: { changed: true }, ...retry });
    expect(elsewhere.error).toMatchObject({ code: -32602, message: expect.stringContaining('names no call') });
    const done = await post('tools/call', { ...call('asks__ask_name'), inputResponses: { user_name: accept('Al') }, requestState: first.result.requestState });
    expect(textOf(done.result)).toBe('hello Al');
  });
});

describe('requests other than tools/call', () => {
  it('prompts/get answers input-required too', async () => {
    const first = await post('prompts/get', { name: 'asks__ask_topic' });
    expect(first.result).toMatchObject({ resultType: 'input_required', inputRequests: { topic: { method: 'elicitation/create' } } });
    const done = await post('prompts/get', { name: 'asks__ask_topic', inputResponses: { topic: accept('owls') }, requestState: first.result.requestState });
    expect(done.result).toMatchObject({ resultType: 'complete', messages: [{ content: { text: 'Write about owls' } }] });
  });

  it('tools/list never answers input-required', async () => {
    const listed = await post('tools/list', {});
    expect(listed.result.resultType).toBe('complete');
  });
});

describe('what the client did not declare, and a retry that never comes', () => {
  it('a client without elicitation is not asked for it: its call ends with -32021 naming it, and the upstream’s call is cancelled', async () => {
    const before = Number(textOf((await post('tools/call', call('asks__calls_cancelled'))).result));
    const answer = await post('tools/call', call('asks__ask_name'), { capabilities: { sampling: {} } as typeof ALL });
    expect(answer.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { elicitation: {} } } });
    expect(Number(textOf((await post('tools/call', call('asks__calls_cancelled'))).result))).toBe(before + 1);
  });

  it('the upstream call is cancelled when no retry comes in time, and the state is refused after', async () => {
    const before = Number(textOf((await post('tools/call', call('asks__calls_cancelled'))).result));
    const first = await post('tools/call', call('asks__ask_name'));
    expect(first.result.resultType).toBe('input_required');
    await new Promise((r) => setTimeout(r, WAIT_MS + 1_000));
    const late = await post('tools/call', {
      ...call('asks__ask_name'),
      inputResponses: { user_name: accept('Late') },
      requestState: first.result.requestState,
    });
    expect(late.error).toMatchObject({ code: -32602 });
    expect(Number(textOf((await post('tools/call', call('asks__calls_cancelled'))).result))).toBe(before + 1);
  });
});
