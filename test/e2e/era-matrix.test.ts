// Every mix of client era and upstream era through the real `toolgate serve`: clients of 2025-11-25
// (the v1 SDK's Client, in a session) and of 2026-07-28 (stateless POSTs with the `_meta` envelope),
// upstreams of 2025-11-25 (the v1-SDK reference server) and of 2026-07-28 (the v2-SDK reference
// server), both real processes over Streamable HTTP. For each cell, each kind of traffic: the answer
// is what the upstream gives a client of its own era directly (policy aside: toolgate's receipt and
// caching hints), and the decision receipt records the client's era (`call.protocol_version`,
// docs/receipts.md). Input goes the way each side speaks: requests to a 2025-11-25 client,
// input-required results to a 2026-07-28 client, whichever way the upstream asked. Holds are
// approved by a reviewer through the admin API; a 2026-07-28 upstream takes no tasks, so a task
// toward it is toolgate's own (the hold's).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ProgressNotificationSchema,
  ResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { admin, envelope, receiptBody, root, type Served, serve, TOKENS, until } from './harness.js';

type Era = '2025-11-25' | '2026-07-28';
// biome-ignore lint/suspicious/noExplicitAny: tests read JSON-RPC results by name.
type Json = any;

const MODERN: Era = '2026-07-28';
const EXTENSION = 'io.modelcontextprotocol/tasks';
/** What every client of this file declares: it can answer anything an upstream asks. */
const CAPABILITIES = { sampling: {}, elicitation: { form: {} }, roots: {} };

const upstreams = [
  // A 2025-11-25 client may ask a task only of a tool that takes one: slow_compute does, on the 2025-11-25 upstream. A 2026-07-28
  // upstream takes no tasks (the v2 SDK has no tasks extension): a task toward it is toolgate's own, made for the hold.
  {
    name: 'old',
    era: '2025-11-25' as Era,
    server: 'test/conformance/reference-server.mjs',
    onlyHere: 'test://watched-resource',
    taskCall: (marker: string) => ({ name: 'slow_compute', arguments: { seconds: 0, label: marker } }),
  },
  {
    name: 'new',
    era: '2026-07-28' as Era,
    server: 'test/conformance/reference-server-v2.mjs',
    onlyHere: 'test://stateless-text',
    taskCall: (marker: string) => ({ name: 'json_schema_2020_12_tool', arguments: { name: marker, email: 'ada@example.com' } }),
  },
];
type Upstream = (typeof upstreams)[number] & { url: string };

const POLICY = `version: toolgate.policy/v1
defaults: { effect: allow, on_error: deny }
rules:
  - id: held-schema-tool
    effect: require_approval
    match: { server: [old, new], tool: [json_schema_2020_12_tool, slow_compute] }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 20s }
`;

let served: Served;
const processes: ChildProcess[] = [];
const urls: Record<string, string> = {};

beforeAll(async () => {
  for (const upstream of upstreams) {
    const child = spawn(process.execPath, [join(root, upstream.server)], { stdio: ['ignore', 'pipe', 'inherit'] });
    processes.push(child);
    const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
    urls[upstream.name] = `http://127.0.0.1:${port}/mcp`;
  }
  served = await serve({
    policy: POLICY,
    upstreams: `  old: { url: "${urls.old}", protocol: "2025-11-25" }\n  new: { url: "${urls.new}", protocol: "2026-07-28" }\n`,
  });
}, 60_000);

afterAll(async () => {
  await served?.stop();
  for (const child of processes) child.kill();
});

// ---------------------------------------------------------------------------------------------
// The two client eras, each able to ask toolgate or an upstream directly.

/** What either client answers when asked: the same answers whoever asks. */
const ANSWERS: Record<string, unknown> = {
  'elicitation/create': { action: 'accept', content: { username: 'ada', email: 'ada@example.com', name: 'Ada' } },
  'sampling/createMessage': { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test-model' },
  'roots/list': { roots: [{ uri: 'file:///work', name: 'work' }] },
};

interface Asked {
  /** The requests the client was sent (2025-11-25) or the input requests it was given (2026-07-28), by method. */
  methods: string[];
  progress: Array<{ progressToken: unknown; progress: number }>;
}

interface Options {
  signal?: AbortSignal;
  progressToken?: string;
  meta?: Record<string, unknown>;
}

interface EraClient {
  era: Era;
  /** One request and its result (input asked on the way answered); `asked` notes what the client saw. */
  request(method: string, params: Record<string, unknown>, options?: Options & { asked?: Asked }): Promise<Json>;
  close(): Promise<void>;
}

/** A 2025-11-25 client: the v1 SDK's Client in a session, answering what it is asked. */
async function sessionClient(url: string, token?: string): Promise<EraClient> {
  const client = new Client({ name: 'era-matrix-2025', version: '1.0.0' }, { capabilities: CAPABILITIES });
  let asked: Asked | undefined;
  for (const schema of [ElicitRequestSchema, CreateMessageRequestSchema, ListRootsRequestSchema]) {
    client.setRequestHandler(schema, (request: { method: string }) => {
      asked?.methods.push(request.method);
      return ANSWERS[request.method] as never;
    });
  }
  // Progress as it comes, on the token the client chose (the SDK's own onprogress would choose the token itself).
  client.setNotificationHandler(
    ProgressNotificationSchema,
    ({ params }) => void asked?.progress.push({ progressToken: params.progressToken, progress: params.progress }),
  );
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return {
    era: '2025-11-25',
    async request(method, params, options = {}) {
      asked = options.asked;
      const _meta = { ...options.meta, ...(options.progressToken === undefined ? {} : { progressToken: options.progressToken }) };
      return client.request({ method, params: { ...params, _meta } } as never, ResultSchema.passthrough(), { signal: options.signal, timeout: 60_000 });
    },
    close: () => client.close(),
  };
}

/** A 2026-07-28 client: stateless POSTs with the envelope and the headers, retrying input-required results with its answers. */
function statelessClient(url: string, token?: string, capabilities: Record<string, unknown> = CAPABILITIES): EraClient {
  return {
    era: MODERN,
    async request(method, params, options = {}) {
      let sent = params;
      for (let round = 0; round < 10; round++) {
        const answer = await post(url, method, sent, { ...options, token, capabilities });
        if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code, data: answer.error.data });
        const result = answer.result;
        if (result.resultType !== 'input_required') return result;
        const requests = Object.entries(result.inputRequests as Record<string, { method: string }>);
        options.asked?.methods.push(...requests.map(([, r]) => r.method));
        const inputResponses = Object.fromEntries(requests.map(([key, r]) => [key, ANSWERS[r.method]]));
        sent = { ...params, inputResponses, requestState: result.requestState };
      }
      throw new Error(`${method}: more than 10 rounds of input`);
    },
    close: async () => undefined,
  };
}

/**
 * One POST of the 2026-07-28 revision: the envelope, the headers it requires, the answer read from
 * JSON or from an SSE stream (whose progress notifications are noted in `asked`).
 */
async function post(
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: Options & { token?: string; capabilities: Record<string, unknown>; asked?: Asked },
): Promise<Json> {
  const name = (params.name ?? params.uri ?? params.taskId) as string | undefined;
  const _meta = {
    ...envelope(options.capabilities, 'era-matrix-2026'),
    ...options.meta,
    ...(options.progressToken === undefined ? {} : { progressToken: options.progressToken }),
  };
  const res = await fetch(url, {
    method: 'POST',
    signal: options.signal,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(name === undefined ? {} : { 'mcp-name': name }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta } }),
  });
  if (!res.headers.get('content-type')?.includes('text/event-stream')) return res.json();
  const messages = (await res.text())
    .split('\n')
    .filter((line) => line.startsWith('data:') && line.length > 5)
    .map((line) => JSON.parse(line.slice(5)));
  for (const m of messages)
    if (m.method === 'notifications/progress') options.asked?.progress.push({ progressToken: m.params.progressToken, progress: m.params.progress });
  return messages.find((m) => m.id === 1);
}

const clientEras: Era[] = ['2025-11-25', MODERN];

/** The client of `era` through toolgate. */
const throughGate = (era: Era) => (era === MODERN ? Promise.resolve(statelessClient(served.mcpUrl, TOKENS.agent)) : sessionClient(served.mcpUrl, TOKENS.agent));

/**
 * A client of the upstream's own era straight to it: what the upstream answers a client that can
 * speak with it. (A 2026-07-28 client cannot reach a 2025-11-25 upstream; the v2 SDK serves
 * 2025-11-25 requests one at a time, without a session, and so cannot ask such a client anything.)
 */
const direct = (upstream: Upstream) => (upstream.era === MODERN ? Promise.resolve(statelessClient(upstream.url)) : sessionClient(upstream.url));

async function using<T>(client: Promise<EraClient>, body: (client: EraClient) => Promise<T>): Promise<T> {
  const opened = await client;
  try {
    return await body(opened);
  } finally {
    await opened.close();
  }
}

/** A result as a client compares it: without toolgate's receipt and the era's own fields (`resultType`, caching hints). */
function comparable(result: Json): Json {
  const { _meta, resultType, ttlMs, cacheScope, ...rest } = result;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Receipts.

async function ledger(): Promise<Json[]> {
  const bodies = [];
  for await (const { body } of readReceipts(join(served.dir, 'ledger'))) bodies.push(body);
  return bodies;
}

/** The decision receipt (permit or hold) of the call a receipt belongs to. */
async function decisionOf(receipt: Json): Promise<Json> {
  return (await ledger()).find((b) => ['permit', 'hold'].includes(b.event) && b.call?.id === receipt.call.id);
}

/** The latest decision receipt for `tool` of `server`. */
async function lastDecision(server: string, tool: string): Promise<Json> {
  return (await ledger()).filter((b) => ['permit', 'hold'].includes(b.event) && b.call?.server === server && b.call?.tool === tool).at(-1);
}

/** The receipt names the client's era: the revision for a stateless client, nothing for a session client (docs/receipts.md §1.1). */
function expectEra(decision: Json, era: Era) {
  expect(decision).toBeDefined();
  if (era === MODERN) expect(decision.call.protocol_version).toBe(MODERN);
  else expect(decision.call.protocol_version).toBeUndefined();
}

async function pendingFor(text: string): Promise<{ id: string }> {
  return until(async () => {
    const { json } = await admin(served, '/api/approvals?status=pending', TOKENS.alice);
    return (json.approvals as Array<{ id: string }>).find((a) => JSON.stringify(a).includes(text));
  }, `a pending approval for ${text}`);
}

const approve = async (text: string) => {
  const approval = await pendingFor(text);
  expect((await admin(served, `/api/approvals/${approval.id}/approve`, TOKENS.alice, { note: 'fine' })).status).toBe(200);
  return approval;
};

// ---------------------------------------------------------------------------------------------
// The matrix.

const fresh = (): Asked => ({ methods: [], progress: [] });
const prefixed = (upstream: Upstream, name: string) => `${upstream.name}__${name}`;

/** The same request to the upstream through toolgate (its name prefixed) and directly: the two answers compared. */
async function sameAsDirect(era: Era, upstream: Upstream, method: string, params: Record<string, unknown>, asked = fresh()) {
  const named = typeof params.name === 'string' ? { ...params, name: prefixed(upstream, params.name) } : params;
  const through = await using(throughGate(era), (client) => client.request(method, named, { asked }));
  const straight = await using(direct(upstream), (client) => client.request(method, params));
  expect(comparable(through)).toEqual(comparable(straight));
  if (era === MODERN) expect(through.resultType).toBe('complete');
  return { through, asked };
}

describe.each(clientEras)('a %s client', (era) => {
  describe.each(upstreams)('to the $era upstream ($name)', (spec) => {
    const upstream = () => ({ ...spec, url: urls[spec.name]! }) as Upstream;

    it('tools/call: the result as direct, the receipt names the era', async () => {
      const { through } = await sameAsDirect(era, upstream(), 'tools/call', { name: 'test_simple_text', arguments: {} });
      expect(receiptBody(through)).toMatchObject({ event: 'complete', call: { server: spec.name, tool: 'test_simple_text' } });
      expectEra(await decisionOf(receiptBody(through)), era);
    });

    it('resources/read: the contents as direct, the receipt names the era', async () => {
      const { through } = await sameAsDirect(era, upstream(), 'resources/read', { uri: spec.onlyHere });
      expect(through.contents[0].uri).toBe(spec.onlyHere);
      expectEra(await decisionOf(receiptBody(through)), era);
    });

    it('prompts/get: the messages as direct, the receipt names the era', async () => {
      const { through } = await sameAsDirect(era, upstream(), 'prompts/get', { name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } });
      expect(through.messages[0].content).toEqual({ type: 'text', text: "Prompt with arguments: arg1='a', arg2='b'" });
      expectEra(await lastDecision(spec.name, 'test_prompt_with_arguments'), era);
    });

    it("progress reaches the client on the client's own token", async () => {
      const asked = fresh();
      const token = `progress-${era}-${spec.name}`;
      const result = await using(throughGate(era), (client) =>
        client.request('tools/call', { name: prefixed(upstream(), 'test_tool_with_progress'), arguments: {} }, { progressToken: token, asked }),
      );
      expect(asked.progress).toEqual([0, 50, 100].map((progress) => ({ progressToken: token, progress })));
      // The upstream sees the token the client chose, as it would directly.
      expect(result.content[0].text).toBe(`Progress reported for token ${token}`);
      expectEra(await decisionOf(receiptBody(result)), era);
    });

    it('a cancelled call is cancelled upstream', async () => {
      await using(throughGate(era), async (client) => {
        const count = async () =>
          Number((await client.request('tools/call', { name: prefixed(upstream(), 'test_cancellations'), arguments: {} })).content[0].text);
        const before = await count();
        const controller = new AbortController();
        const call = client.request('tools/call', { name: prefixed(upstream(), 'test_slow'), arguments: { ms: 20_000 } }, { signal: controller.signal });
        setTimeout(() => controller.abort('changed my mind'), 500);
        await expect(call).rejects.toThrow();
        await until(async () => (await count()) === before + 1, 'the upstream to see the cancellation');
      });
      expectEra(await lastDecision(spec.name, 'test_slow'), era);
    });

    const inputs = [
      {
        method: 'elicitation/create',
        call: { name: 'test_elicitation', arguments: { message: 'Who are you?' } },
        answer: 'User response: action=accept, content={"username":"ada","email":"ada@example.com","name":"Ada"}',
      },
      { method: 'sampling/createMessage', call: { name: 'test_sampling', arguments: { prompt: 'Capital of France?' } }, answer: 'LLM response: Paris' },
    ];
    it.each(inputs)(`$method reaches the client as ${era === MODERN ? 'an input-required result' : 'a request'}, its answer goes back`, async (input) => {
      const asked = fresh();
      const { through } = await sameAsDirect(era, upstream(), 'tools/call', input.call, asked);
      expect(through.content[0].text).toBe(input.answer);
      expect(asked.methods).toEqual([input.method]);
      expectEra(await decisionOf(receiptBody(through)), era);
    });

    it('a held call made as a task: a task of toolgate’s at once, the result once a reviewer approves', async () => {
      const marker = `task-${era}-${spec.name}`;
      const call = spec.taskCall(marker);
      const expected = await using(direct(upstream()), (client) => client.request('tools/call', call));
      const params = { ...call, name: prefixed(upstream(), call.name) };
      let result: Json;
      if (era === MODERN) {
        const client = statelessClient(served.mcpUrl, TOKENS.agent, { ...CAPABILITIES, extensions: { [EXTENSION]: {} } });
        const created = await client.request('tools/call', params);
        expect(created).toMatchObject({ resultType: 'task', taskId: expect.any(String) });
        expectEra(await decisionOf(receiptBody(created)), era);
        await approve(marker);
        const ended = await until(async () => {
          const got = await client.request('tasks/get', { taskId: created.taskId });
          return got.status === 'completed' ? got : undefined;
        }, 'the task to complete');
        result = ended.result;
      } else {
        result = await using(throughGate(era), async (client) => {
          const created = await client.request('tools/call', { ...params, task: { ttl: 60_000 } });
          expect(created.task).toMatchObject({ taskId: expect.any(String), status: 'working' });
          expectEra(await decisionOf(receiptBody(created)), era);
          await approve(marker);
          return client.request('tasks/result', { taskId: created.task.taskId });
        });
      }
      expect(comparable(result)).toEqual(comparable(expected));
      expect(receiptBody(result)).toMatchObject({ event: 'complete', call: { server: spec.name, tool: call.name } });
    });

    it(`a held call: ${era === MODERN ? 'an input-required result asks about the approval' : 'the request waits'}, the result once a reviewer approves`, async () => {
      const marker = `hold-${era}-${spec.name}`;
      const args = { name: marker, email: 'ada@example.com' };
      const expected = await using(direct(upstream()), (client) => client.request('tools/call', { name: 'json_schema_2020_12_tool', arguments: args }));
      const params = { name: prefixed(upstream(), 'json_schema_2020_12_tool'), arguments: args };
      let result: Json;
      if (era === MODERN) {
        const first = (await post(served.mcpUrl, 'tools/call', params, { token: TOKENS.agent, capabilities: CAPABILITIES })).result;
        expect(first).toMatchObject({ resultType: 'input_required', inputRequests: { toolgate_approval: { method: 'elicitation/create' } } });
        await approve(marker);
        let state = first.requestState;
        result = await until(async () => {
          const retry = { ...params, inputResponses: { toolgate_approval: { action: 'accept' } }, requestState: state };
          const answer = (await post(served.mcpUrl, 'tools/call', retry, { token: TOKENS.agent, capabilities: CAPABILITIES })).result;
          if (answer.resultType !== 'input_required') return answer;
          state = answer.requestState;
          return undefined;
        }, 'the result after the approval');
      } else {
        result = await using(throughGate(era), async (client) => {
          const call = client.request('tools/call', params);
          await approve(marker);
          return call;
        });
      }
      expect(comparable(result)).toEqual(comparable(expected));
      const receipt = receiptBody(result);
      expect(receipt).toMatchObject({ event: 'complete', approval: { decided_by: ['user:alice'] } });
      expectEra(await decisionOf(receipt), era);
    });
  });
});

describe('what one era has and the other does not', () => {
  it('a 2025-11-25 client subscribes to a resource of the 2025-11-25 upstream; of the 2026-07-28 upstream it is told the method is not there', async () => {
    await using(throughGate('2025-11-25'), async (client) => {
      expect(comparable(await client.request('resources/subscribe', { uri: 'test://watched-resource' }))).toEqual({});
      const refused = await client.request('resources/subscribe', { uri: 'test://stateless-text' }).catch((err: Error & { code?: number }) => err);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as { code?: number }).code).toBe(-32601);
    });
    // It reached the gate: its decision is receipted as any.
    expect((await ledger()).some((b) => b.call?.method === 'resources/subscribe' && b.call?.uri === 'test://stateless-text')).toBe(true);
  });
});
