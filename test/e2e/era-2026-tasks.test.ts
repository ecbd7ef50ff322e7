// Tasks for clients of the 2026-07-28 revision, where they are the io.modelcontextprotocol/tasks
// extension (docs/gateway.md, "Tasks"), through the real `toolgate serve` to a real 2025-11-25
// task-capable upstream over stdio (per-client sessions) and over HTTP: a client that declares the
// extension gets a task when the call goes on (the upstream took it as one, or it is held), polls it
// with tasks/get (the result inlined once it ends, with the call's final receipt) and cancels it
// with tasks/cancel; a held call resumes when a reviewer decides through the admin REST API (or
// ends when they reject it or its approval expires); tasks are bound to the principal; a client
// without the extension gets none of this. A subscriptions/listen stream that names tasks in
// `taskIds` hears of their changes as `notifications/tasks` (the extension's status notifications).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { admin, envelope, receiptBody, root, serve, sha256, statelessFetch, statelessPost, textOf, TOKENS, until, type Served } from './harness.js';

const tasksServer = join(root, 'test/fixtures/tasks-server.mjs');
const OTHER = 'other-agent-token-02';
const EXTENSION = 'io.modelcontextprotocol/tasks';
const WITH_TASKS = envelope({ extensions: { [EXTENSION]: {} } });

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: work-ok
    effect: allow
    match: { server: [tk, th], tool: [work, hang, plain] }
  - id: held-work
    effect: require_approval
    match: { server: [tk, th], tool: [work, plain] }
    when: 'args.text.startsWith("held")'
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 1s }
  - id: held-briefly
    effect: require_approval
    match: { server: tk, tool: work }
    when: 'args.text.startsWith("brief")'
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 2s, wait: 1s }
`;

let served: Served;
let httpUpstream: ChildProcess;
const trace = join(tmpdir(), `toolgate-era-2026-tasks-trace-${process.pid}`);
const ran = () => {
  try {
    return readFileSync(trace, 'utf8');
  } catch {
    return '';
  }
};

beforeAll(async () => {
  httpUpstream = spawn(process.execPath, [tasksServer, '--http'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => httpUpstream.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  served = await serve({
    policy: POLICY,
    upstreams: `  tk: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(tasksServer)}], env: { TASKS_TRACE: ${JSON.stringify(trace)} }, session: per-client }\n  th: { url: "http://127.0.0.1:${port}/mcp" }\n`,
    principals: `  - { id: "agent:other", token_sha256: ${sha256(OTHER)} }\n`,
  });
}, 60_000);

afterAll(async () => {
  await served?.stop();
  httpUpstream?.kill();
});

const post = (method: string, params: Record<string, unknown>, options: Parameters<typeof statelessPost>[3] = { meta: WITH_TASKS }) =>
  statelessPost(served.mcpUrl, method, params, options);

async function ended(taskId: string, status = 'completed') {
  return until(async () => {
    const { json } = await post('tasks/get', { taskId });
    return json.result?.status === status ? json.result : undefined;
  }, `task ${taskId} ${status}`);
}

async function ledger() {
  const bodies = [];
  for await (const { body } of readReceipts(join(served.dir, 'ledger'))) bodies.push(body as { event: string; call?: { id: string } });
  return bodies;
}

const eventsOf = async (callId: string) => (await ledger()).filter((r) => r.call?.id === callId).map((r) => r.event);

describe('tasks for 2026-07-28 clients', () => {
  it('server/discover advertises the extension, not the 2025-11-25 tasks capability', async () => {
    const { json } = await post('server/discover', {});
    expect(json.result.capabilities.extensions).toEqual({ [EXTENSION]: {} });
    expect(json.result.capabilities.tasks).toBeUndefined();
  });

  for (const upstream of ['tk', 'th']) {
    it(`a call ${upstream} takes as a task is a task of toolgate's, its result inlined on tasks/get with the final receipt`, async () => {
      const { json } = await post('tools/call', { name: `${upstream}__work`, arguments: { text: `modern ${upstream}`, ms: 300 } });
      const created = json.result;
      expect(created).toMatchObject({ resultType: 'task', taskId: expect.stringMatching(/^tg-[0-9a-f]{32}$/), status: 'working' });
      expect(created.ttlMs).toEqual(expect.any(Number));
      expect(created).not.toHaveProperty('task');
      expect(created).not.toHaveProperty('ttl');
      const permit = receiptBody(created);
      expect(permit).toMatchObject({ event: 'permit', call: { server: upstream, tool: 'work', protocol_version: '2026-07-28' } });
      // Strongly consistent: the task is there at once.
      expect((await post('tasks/get', { taskId: created.taskId })).json.result).toMatchObject({ taskId: created.taskId, resultType: 'complete' });
      const done = await ended(created.taskId);
      expect(done.resultType).toBe('complete');
      expect(textOf(done.result)).toBe(`modern ${upstream}`);
      expect(done.result._meta['io.modelcontextprotocol/related-task']).toBeUndefined();
      expect(receiptBody(done.result)).toMatchObject({ event: 'complete', call: { id: permit.call.id }, result: { is_error: false } });
      expect(await eventsOf(permit.call.id)).toEqual(['permit', 'complete']);
    });
  }

  it('a task that ends with an isError result is completed with that result', async () => {
    const { json } = await post('tools/call', { name: 'tk__work', arguments: { text: 'broken', fail: true } });
    const done = await ended(json.result.taskId);
    expect(done.result.isError).toBe(true);
    expect(receiptBody(done.result)).toMatchObject({ event: 'complete', result: { is_error: true } });
  });

  it('a call that ends at once is answered plainly, and a task hint does not make a task', async () => {
    const plain = await post('tools/call', { name: 'tk__plain', arguments: { text: 'at once' }, task: { ttl: 60_000 } });
    expect(plain.json.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'at once' }] });
    expect(plain.json.result.taskId).toBeUndefined();
    const denied = await post('tools/call', { name: 'tk__nope', arguments: {} });
    expect(denied.json.result).toMatchObject({ resultType: 'complete', isError: true });
  });

  it('a task is bound to its principal: another principal does not reach it, another client of the same principal does', async () => {
    const { json } = await post('tools/call', { name: 'tk__hang', arguments: {} });
    const taskId = json.result.taskId;
    for (const [method, params] of [
      ['tasks/get', { taskId }],
      ['tasks/update', { taskId, inputResponses: {} }],
      ['tasks/cancel', { taskId }],
    ] as const) {
      const refused = await post(method, params, { token: OTHER, meta: WITH_TASKS });
      expect(refused.json.error.code).toBe(-32602);
    }
    const sameAgent = envelope({ extensions: { [EXTENSION]: {} }, elicitation: {} }, 'another-client-of-ci');
    expect((await post('tasks/get', { taskId }, { meta: sameAgent })).json.result).toMatchObject({ taskId, status: 'working' });
    // Cancelled: an empty acknowledgement, again for the ended task; the call may have run upstream: unknown.
    expect((await post('tasks/cancel', { taskId })).json.result).toEqual({ resultType: 'complete' });
    expect((await post('tasks/get', { taskId })).json.result.status).toBe('cancelled');
    expect((await post('tasks/cancel', { taskId })).json.result).toEqual({ resultType: 'complete' });
    const callId = receiptBody(json.result).call.id;
    await until(async () => (await eventsOf(callId)).includes('unknown'), 'the unknown receipt');
  });

  it('tasks/update answering nothing the task waits on is acknowledged; an unknown task is invalid params', async () => {
    const { json } = await post('tools/call', { name: 'th__hang', arguments: {} });
    expect((await post('tasks/update', { taskId: json.result.taskId, inputResponses: { x: { action: 'accept' } } })).json.result).toEqual({
      resultType: 'complete',
    });
    await post('tasks/cancel', { taskId: json.result.taskId });
    expect((await post('tasks/get', { taskId: 'tg-00000000000000000000000000000000' })).json.error.code).toBe(-32602);
  });

  it('tasks/result and tasks/list are not methods of the revision', async () => {
    expect((await post('tasks/result', { taskId: 'tg-0' })).json.error.code).toBe(-32601);
    expect((await post('tasks/list', {})).json.error.code).toBe(-32601);
  });

  it('a client without the extension: tasks/* need it (-32021), a required-task tool too, and a call is answered plainly', async () => {
    const bare = { meta: envelope() };
    const get = await post('tasks/get', { taskId: 'tg-0' }, bare);
    expect(get.json.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { [EXTENSION]: {} } } } });
    const hang = await post('tools/call', { name: 'tk__hang', arguments: {} }, bare);
    expect(hang.json.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { [EXTENSION]: {} } } } });
    const plain = await post('tools/call', { name: 'tk__plain', arguments: { text: 'bare' } }, bare);
    expect(plain.json.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'bare' }] });
  });

  it('the Mcp-Name of tasks/get must name the task', async () => {
    const { status, json } = await post('tasks/get', { taskId: 'tg-0' }, { meta: WITH_TASKS, headers: { 'mcp-name': 'tg-1' } });
    expect(status).toBe(400);
    expect(json.error.code).toBe(-32020);
  });

  for (const tool of ['tk__work', 'th__plain']) {
    it(`a held call to ${tool} is a task at once, and runs once a reviewer approves through the REST API`, async () => {
      const text = `held approve ${tool}`;
      const { json } = await post('tools/call', { name: tool, arguments: { text } });
      const created = json.result;
      expect(created).toMatchObject({ resultType: 'task', status: 'working', pollIntervalMs: expect.any(Number) });
      const approvalId = created._meta['dev.toolgate/approval'].id;
      expect(created.statusMessage).toContain(approvalId);
      expect(receiptBody(created)).toMatchObject({ event: 'hold', approval: { id: approvalId } });
      // The hold outlasts the rule's 1 s wait, with no request open: the task is still working and nothing ran.
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await post('tasks/get', { taskId: created.taskId })).json.result.status).toBe('working');
      expect(ran()).not.toContain(text);
      expect((await admin(served, `/api/approvals/${approvalId}/approve`, TOKENS.alice, { note: 'fine' })).status).toBe(200);
      const done = await ended(created.taskId);
      expect(textOf(done.result)).toBe(text);
      expect(receiptBody(done.result)).toMatchObject({ event: 'complete', approval: { id: approvalId, decided_by: ['user:alice'] } });
      expect(await eventsOf(receiptBody(created).call.id)).toEqual(['hold', 'vote', 'approve', 'permit', 'complete']);
    });
  }

  it('a held call that reviewers reject ends with the refusal and its receipt', async () => {
    const { json } = await post('tools/call', { name: 'tk__work', arguments: { text: 'held reject me' } });
    const approvalId = json.result._meta['dev.toolgate/approval'].id;
    expect((await admin(served, `/api/approvals/${approvalId}/reject`, TOKENS.bob, { note: 'not today' })).status).toBe(200);
    const done = await ended(json.result.taskId);
    expect(done.result.isError).toBe(true);
    expect(textOf(done.result)).toContain('not today');
    expect(receiptBody(done.result)).toMatchObject({ event: 'reject', approval: { id: approvalId } });
    expect(ran()).not.toContain('held reject me');
  });

  it('a held call whose approval expires ends with the refusal and its expire receipt', async () => {
    const { json } = await post('tools/call', { name: 'tk__work', arguments: { text: 'brief hold' } });
    const approvalId = json.result._meta['dev.toolgate/approval'].id;
    const done = await ended(json.result.taskId);
    expect(done.result.isError).toBe(true);
    expect(receiptBody(done.result)).toMatchObject({ event: 'expire', approval: { id: approvalId } });
    expect(await eventsOf(receiptBody(json.result).call.id)).toEqual(['hold', 'expire']);
    expect(ran()).not.toContain('brief hold');
  });

  it('cancelling a held task withdraws its approval', async () => {
    const { json } = await post('tools/call', { name: 'tk__work', arguments: { text: 'held cancel me' } });
    const approvalId = json.result._meta['dev.toolgate/approval'].id;
    expect((await post('tasks/cancel', { taskId: json.result.taskId })).json.result).toEqual({ resultType: 'complete' });
    expect((await post('tasks/get', { taskId: json.result.taskId })).json.result.status).toBe('cancelled');
    expect((await admin(served, `/api/approvals/${approvalId}`, TOKENS.alice)).json).toMatchObject({ status: 'cancelled' });
    expect(await eventsOf(receiptBody(json.result).call.id)).toEqual(['hold', 'cancel']);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read JSON-RPC messages by name.
type Message = any;

/** A subscriptions/listen stream (id 1), read as it comes; a refusal is its one message. */
async function listen(notifications: Record<string, unknown>, meta = WITH_TASKS) {
  const controller = new AbortController();
  const res = await statelessFetch(served.mcpUrl, 'subscriptions/listen', { notifications }, { meta, signal: controller.signal });
  const messages: Message[] = [];
  const close = () => controller.abort();
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) return { messages: [await res.json()], next: async () => undefined, close };
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  /** The first message that matches, reading on until it comes. */
  const next = async (match: (m: Message) => boolean): Promise<Message> => {
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the stream ended before the message came: ${JSON.stringify(messages)}`);
      buffer += chunk.value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (data) messages.push(JSON.parse(data.slice(6)));
      }
    }
  };
  return { messages, next, close };
}

describe('task status notifications on subscriptions/listen', () => {
  it('a held task’s changes reach the stream that names it, its result inlined once it ends; ids it does not own are not honored', async () => {
    const { json } = await post('tools/call', { name: 'tk__work', arguments: { text: 'held for the stream' } });
    const taskId = json.result.taskId as string;
    const approvalId = json.result._meta['dev.toolgate/approval'].id;
    const others = await post('tools/call', { name: 'tk__work', arguments: { text: 'held, not yours' } }, { token: OTHER, meta: WITH_TASKS });
    const stream = await listen({ taskIds: [taskId, others.json.result.taskId, 'tg-unknown'] });
    try {
      const ack = await stream.next((m) => m.method === 'notifications/subscriptions/acknowledged');
      expect(ack.params.notifications).toEqual({ taskIds: [taskId] });
      expect((await admin(served, `/api/approvals/${approvalId}/approve`, TOKENS.alice, { note: 'fine' })).status).toBe(200);
      const done = await stream.next((m) => m.method === 'notifications/tasks' && m.params.status === 'completed');
      expect(done.params).toMatchObject({
        taskId,
        status: 'completed',
        ttlMs: expect.any(Number),
        result: { content: [{ type: 'text', text: 'held for the stream' }] },
      });
      expect(receiptBody(done.params.result)).toMatchObject({ event: 'complete', approval: { id: approvalId } });
      expect(done.params._meta['io.modelcontextprotocol/subscriptionId']).toBe(1);
      expect(done.params).not.toHaveProperty('resultType');
      // Only the task named, each state once.
      const told = stream.messages.filter((m) => m.method === 'notifications/tasks');
      expect(told.every((m) => m.params.taskId === taskId)).toBe(true);
      expect(new Set(told.map((m) => JSON.stringify(m.params))).size).toBe(told.length);
    } finally {
      stream.close();
    }
  });

  it('a client that did not declare the extension and names tasks gets -32021 naming it', async () => {
    const refused = await listen({ taskIds: ['tg-any'] }, envelope());
    expect(refused.messages[0]).toMatchObject({ id: 1, error: { code: -32021, data: { requiredCapabilities: { extensions: { [EXTENSION]: {} } } } } });
  });
});
