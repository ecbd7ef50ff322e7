// A task that asks its client for input, for clients of the 2026-07-28 revision (docs/gateway.md,
// "Tasks"): the real `toolgate serve` in front of a real 2025-11-25 task-capable upstream over stdio
// (per-client sessions) and over HTTP, whose task asks by MCP 2025-11-25's way (status
// input_required, its elicitations sent on tasks/result). The client sees the task input_required
// with those requests on tasks/get, answers them with tasks/update (some at a time, too), the
// answers reach the upstream (its result is made of them), the task completes with the result inlined, and the call's final
// receipt is written.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { envelope, receiptBody, root, serve, statelessPost, textOf, until, type Served } from './harness.js';

const tasksServer = join(root, 'test/fixtures/tasks-server.mjs');
const EXTENSION = 'io.modelcontextprotocol/tasks';
const ASKS = envelope({ extensions: { [EXTENSION]: {} }, elicitation: {} });
const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - { id: confirm-ok, effect: allow, match: { server: [tk, th], tool: confirm } }
`;

let served: Served;
let httpUpstream: ChildProcess;
beforeAll(async () => {
  httpUpstream = spawn(process.execPath, [tasksServer, '--http'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => httpUpstream.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  served = await serve({
    policy: POLICY,
    upstreams: `  tk: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(tasksServer)}], session: per-client }\n  th: { url: "http://127.0.0.1:${port}/mcp" }\n`,
  });
}, 60_000);

afterAll(async () => {
  await served?.stop();
  httpUpstream?.kill();
});

const post = (method: string, params: Record<string, unknown>, meta = ASKS) => statelessPost(served.mcpUrl, method, params, { meta });
const get = async (taskId: string) => (await post('tasks/get', { taskId })).json.result;

async function eventsOf(callId: string) {
  const events = [];
  for await (const { body } of readReceipts(join(served.dir, 'ledger'))) {
    const receipt = body as { event: string; call?: { id: string } };
    if (receipt.call?.id === callId) events.push(receipt.event);
  }
  return events;
}

describe('a task that asks its 2026-07-28 client for input', () => {
  for (const upstream of ['tk', 'th']) {
    it(`through ${upstream}: input_required with the requests, answered by tasks/update, then completed with the final receipt`, async () => {
      const { json } = await post('tools/call', { name: `${upstream}__confirm`, arguments: { questions: 2 } });
      const created = json.result;
      expect(created).toMatchObject({ resultType: 'task', taskId: expect.any(String) });
      expect(created).not.toHaveProperty('inputRequests');
      const asking = await until(async () => {
        const task = await get(created.taskId);
        return task.status === 'input_required' && Object.keys(task.inputRequests ?? {}).length === 2 ? task : undefined;
      }, 'the task asking two questions');
      expect(asking).not.toHaveProperty('requestState');
      const [first, second] = Object.keys(asking.inputRequests);
      expect(
        Object.values(asking.inputRequests)
          .map((r) => {
            const { method, params } = r as { method: string; params: { message: string } };
            return [method, params.message];
          })
          .sort(),
      ).toEqual([
        ['elicitation/create', 'Question 1?'],
        ['elicitation/create', 'Question 2?'],
      ]);
      // The upstream's own id of the task does not show: the requests are the task's, under toolgate's id.
      expect(JSON.stringify(asking.inputRequests)).not.toMatch(/related-task/);

      // One answer: acknowledged, the other request is still pending.
      const answer = (text: string) => ({ action: 'accept', content: { answer: text } });
      expect((await post('tasks/update', { taskId: created.taskId, inputResponses: { [first!]: answer('yes') } })).json.result).toEqual({
        resultType: 'complete',
      });
      const still = await get(created.taskId);
      expect(still.status).toBe('input_required');
      expect(Object.keys(still.inputRequests)).toEqual([second]);

      // A response that is not a result of the request is refused, and answers nothing.
      const wrong = await post('tasks/update', { taskId: created.taskId, inputResponses: { [second!]: { action: 'maybe' } } });
      expect(wrong.json.error.code).toBe(-32602);
      expect(Object.keys((await get(created.taskId)).inputRequests)).toEqual([second]);

      await post('tasks/update', { taskId: created.taskId, inputResponses: { [second!]: answer('no') } });
      const done = await until(async () => {
        const task = await get(created.taskId);
        return task.status === 'completed' ? task : undefined;
      }, 'the task completed');
      expect(done).not.toHaveProperty('inputRequests');
      const answered = first === Object.keys(asking.inputRequests).find((k) => asking.inputRequests[k].params.message === 'Question 1?');
      expect(textOf(done.result)).toBe(answered ? 'yes, no' : 'no, yes');
      const permit = receiptBody(created);
      expect(receiptBody(done.result)).toMatchObject({ event: 'complete', call: { id: permit.call.id }, result: { is_error: false } });
      expect(await eventsOf(permit.call.id)).toEqual(['permit', 'complete']);
    });
  }

  it('a task cancelled while it asks ends cancelled, its requests withdrawn', async () => {
    const { json } = await post('tools/call', { name: 'tk__confirm', arguments: {} });
    const taskId = json.result.taskId;
    await until(async () => ((await get(taskId)).status === 'input_required' ? true : undefined), 'the task asking');
    expect((await post('tasks/cancel', { taskId })).json.result).toEqual({ resultType: 'complete' });
    const cancelled = await get(taskId);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled).not.toHaveProperty('inputRequests');
    await until(async () => ((await eventsOf(receiptBody(json.result).call.id)).includes('unknown') ? true : undefined), 'the unknown receipt');
  });

  it('a client that did not declare elicitation is not asked: the task stays working, not input_required', async () => {
    const { json } = await post('tools/call', { name: 'th__confirm', arguments: {} }, envelope({ extensions: { [EXTENSION]: {} } }));
    const taskId = json.result.taskId;
    await new Promise((r) => setTimeout(r, 1_000));
    const task = (await post('tasks/get', { taskId }, envelope({ extensions: { [EXTENSION]: {} } }))).json.result;
    expect(task).not.toHaveProperty('inputRequests');
    await post('tasks/cancel', { taskId }, envelope({ extensions: { [EXTENSION]: {} } }));
  });
});
