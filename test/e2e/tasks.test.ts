// Tasks through `toolgate serve` (docs/gateway.md, "Tasks"): a permitted task-augmented call is
// forwarded to a real task-capable upstream (over stdio with per-client upstream sessions, and over
// HTTP on a shared one) and followed under toolgate's
// task id, its final receipt written when the task ends; a held call is a task at once, released by
// a reviewer through the admin REST API or ended by a rejection; no client reaches another's task;
// and the ledger verifies.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { admin, agent, receiptBody, root, serve, sha256, textOf, toolgate, TOKENS, until, type Served } from './harness.js';

const tasksServer = join(root, 'test/fixtures/tasks-server.mjs');
const OTHER = 'other-agent-token-01';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: work-ok
    effect: allow
    match: { server: [tk, th], tool: [work, hang] }
  - id: held-work
    effect: require_approval
    match: { server: tk, tool: work }
    when: 'args.text.startsWith("held")'
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 1s }
`;

let served: Served;
let httpUpstream: ChildProcess;
let ci: Client;
let other: Client;

beforeAll(async () => {
  httpUpstream = spawn(process.execPath, [tasksServer, '--http'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => httpUpstream.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  served = await serve({
    policy: POLICY,
    upstreams: `  tk: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(tasksServer)}], env: { TASKS_TRACE: trace }, session: per-client }\n  th: { url: "http://127.0.0.1:${port}/mcp" }\n`,
    principals: `  - { id: "agent:other", token_sha256: ${sha256(OTHER)} }\n`,
  });
  ci = await agent(served);
  other = await agent(served, OTHER);
}, 60_000);

afterAll(async () => {
  await ci?.close();
  await other?.close();
  await served?.stop();
  httpUpstream?.kill();
});

const trace = join(tmpdir(), `toolgate-tasks-trace-${process.pid}`);
const ran = () => {
  try {
    return readFileSync(trace, 'utf8');
  } catch {
    return '';
  }
};

function callAsTask(client: Client, name: string, args: Record<string, unknown>) {
  return client.request({ method: 'tools/call', params: { name, arguments: args, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
}

async function ended(client: Client, taskId: string, status = 'completed') {
  return until(async () => {
    const task = await client.experimental.tasks.getTask(taskId);
    return task.status === status ? task : undefined;
  }, `task ${taskId} ${status}`);
}

function approvalOf(created: { _meta?: Record<string, unknown> }): string {
  return (created._meta!['dev.toolgate/approval'] as { id: string }).id;
}

async function ledger() {
  const bodies = [];
  for await (const { body } of readReceipts(join(served.dir, 'ledger'))) bodies.push(body as { event: string; call?: { id: string } });
  return bodies;
}

describe('tasks', () => {
  it('offers tasks as far as the upstreams take them', () => {
    expect(ci.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
  });

  for (const upstream of ['tk', 'th']) {
    it(`forwards a permitted task to ${upstream} and writes its final receipt when it ends`, async () => {
      const created = await callAsTask(ci, `${upstream}__work`, { text: `forwarded ${upstream}`, ms: 200 });
      expect(created.task.taskId).toMatch(/^tg-[0-9a-f]{32}$/);
      expect(receiptBody(created)).toMatchObject({ event: 'permit', call: { server: upstream, tool: 'work' } });
      const permit = receiptBody(created);
      await ended(ci, created.task.taskId);
      const result = await ci.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
      expect(textOf(result)).toBe(`forwarded ${upstream}`);
      expect(result._meta?.['io.modelcontextprotocol/related-task']).toEqual({ taskId: created.task.taskId });
      const complete = receiptBody(result);
      expect(complete).toMatchObject({ event: 'complete', call: { id: permit.call.id }, result: { is_error: false } });
      expect((await ledger()).filter((r) => r.call?.id === permit.call.id).map((r) => r.event)).toEqual(['permit', 'complete']);
    });
  }

  it('a failed task ends the call as complete with is_error, as a plain isError result would', async () => {
    const created = await callAsTask(ci, 'tk__work', { text: 'broken', fail: true });
    await ended(ci, created.task.taskId, 'failed');
    const result = await ci.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result.isError).toBe(true);
    expect(receiptBody(result)).toMatchObject({ event: 'complete', result: { is_error: true } });
  });

  it('keeps each client to its own tasks', async () => {
    const created = await callAsTask(ci, 'tk__hang', {});
    const id = created.task.taskId;
    for (const attempt of [
      () => other.experimental.tasks.getTask(id),
      () => other.experimental.tasks.getTaskResult(id, CallToolResultSchema),
      () => other.experimental.tasks.cancelTask(id),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: -32602 });
    }
    expect((await other.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).not.toContain(id);
    expect((await ci.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toContain(id);
    // Cancelled by its owner: cancelled upstream, and the call may have run: unknown.
    expect((await ci.experimental.tasks.cancelTask(id)).status).toBe('cancelled');
    const callId = receiptBody(created).call.id;
    await until(async () => (await ledger()).some((r) => r.call?.id === callId && r.event === 'unknown'), 'the unknown receipt');
  });

  it('refuses a call the policy does not permit with a failed task carrying the refusal', async () => {
    const created = await callAsTask(ci, 'tk__plain', { text: 'no rule' });
    expect(created.task.status).toBe('failed');
    const result = await ci.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result.isError).toBe(true);
    expect(receiptBody(result)).toMatchObject({ event: 'silence' });
  });

  it('answers a held call with a task at once, and runs it once a reviewer approves through the REST API', async () => {
    const created = await callAsTask(ci, 'tk__work', { text: 'held approve me' });
    expect(created.task.status).toBe('working');
    const approvalId = approvalOf(created);
    expect(created.task.statusMessage).toContain(approvalId);
    expect(receiptBody(created)).toMatchObject({ event: 'hold', approval: { id: approvalId } });
    // The hold outlasts the rule's 1 s wait: the task is still working, and nothing ran.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await ci.experimental.tasks.getTask(created.task.taskId)).status).toBe('working');
    expect(ran()).not.toContain('held approve me');
    expect((await admin(served, `/api/approvals/${approvalId}/approve`, TOKENS.alice, { note: 'fine' })).status).toBe(200);
    await ended(ci, created.task.taskId);
    const result = await ci.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(textOf(result)).toBe('held approve me');
    expect(receiptBody(result)).toMatchObject({ event: 'complete', approval: { id: approvalId, decided_by: ['user:alice'] } });
    const callId = receiptBody(created).call.id;
    expect((await ledger()).filter((r) => r.call?.id === callId).map((r) => r.event)).toEqual(['hold', 'vote', 'approve', 'permit', 'complete']);
  });

  it('fails a held task that reviewers reject, with the refusal and its receipt', async () => {
    const created = await callAsTask(ci, 'tk__work', { text: 'held reject me' });
    const approvalId = approvalOf(created);
    expect((await admin(served, `/api/approvals/${approvalId}/reject`, TOKENS.bob, { note: 'not today' })).status).toBe(200);
    await ended(ci, created.task.taskId, 'failed');
    const result = await ci.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('not today');
    expect(receiptBody(result)).toMatchObject({ event: 'reject', approval: { id: approvalId } });
    expect(ran()).not.toContain('held reject me');
  });

  it('withdraws the hold when the client cancels a held task', async () => {
    const created = await callAsTask(ci, 'tk__work', { text: 'held cancel me' });
    const approvalId = approvalOf(created);
    expect((await ci.experimental.tasks.cancelTask(created.task.taskId)).status).toBe('cancelled');
    expect((await admin(served, `/api/approvals/${approvalId}`, TOKENS.alice)).json).toMatchObject({ status: 'cancelled' });
    const callId = receiptBody(created).call.id;
    expect((await ledger()).filter((r) => r.call?.id === callId).map((r) => r.event)).toEqual(['hold', 'cancel']);
  });

  it('ends a task still running at shutdown as unknown, and the ledger verifies', async () => {
    const created = await callAsTask(ci, 'th__hang', {});
    const callId = receiptBody(created).call.id;
    await ci.close();
    await other.close();
    expect(await served.stop()).toBe(0);
    expect((await ledger()).filter((r) => r.call?.id === callId).map((r) => r.event)).toEqual(['permit', 'unknown']);
    const verified = toolgate(['ledger', 'verify', '-c', join(served.dir, 'toolgate.yaml')]);
    expect(verified.stdout + verified.stderr).toMatch(/^ok: /);
    expect(verified.status).toBe(0);
  });
});
