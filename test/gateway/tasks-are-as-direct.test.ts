// Tasks (MCP 2025-11-25) through the gateway are as they are directly, for every route (HTTP and
// stdio clients, stdio and HTTP upstreams, a permit-all gate): a call made as a task, the progress
// and status notifications the upstream sends after creating it, tasks/get, tasks/result,
// tasks/list and tasks/cancel. toolgate shows its own task ids and its receipts: both are left out
// of what is compared, as are the timestamps of two different tasks.
import { expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  type Progress,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { eventually } from './helpers.js';
import { type ClientOptions, type Route, sideBySide, withoutReceipts } from './side-by-side.js';

const { direct, through } = sideBySide();

/** What a client observes of its task, its id and timestamps left out. */
function shown(value: unknown, taskId: string): unknown {
  return withoutReceipts(
    JSON.parse(JSON.stringify(value).replaceAll(taskId, 'TASK'), (key, v) => (key === 'createdAt' || key === 'lastUpdatedAt' ? undefined : v)),
  );
}

/** A client whose GET stream is open, where messages outside a request (late progress, statuses) go over HTTP. */
async function connected(route: Route, options?: ClientOptions): Promise<{ client: Client; statuses: unknown[] }> {
  const client = await route.connect(options);
  const statuses: unknown[] = [];
  client.setNotificationHandler(TaskStatusNotificationSchema, (n) => void statuses.push(n.params));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { client, statuses };
}

function startTask(client: Client, args: Record<string, unknown>, progress: Progress[] = []) {
  return client.request({ method: 'tools/call', params: { name: 'task', arguments: args, task: { ttl: 30_000 } } }, CreateTaskResultSchema, {
    onprogress: (p) => void progress.push(p),
  });
}

async function observeToEnd(route: Route) {
  const { client, statuses } = await connected(route);
  const progress: Progress[] = [];
  const created = await startTask(client, { text: 'done', steps: 2 }, progress);
  const id = created.task.taskId;
  await eventually(() => progress.length === 2 && statuses.some((s) => (s as { status: string }).status === 'completed'));
  return shown(
    {
      created,
      progress,
      statuses,
      got: await client.experimental.tasks.getTask(id),
      result: await client.experimental.tasks.getTaskResult(id, CallToolResultSchema),
      listed: await client.experimental.tasks.listTasks(),
    },
    id,
  );
}

async function observeCancel(route: Route) {
  const { client } = await connected(route);
  const created = await startTask(client, { steps: 1, hang: true });
  const id = created.task.taskId;
  const cancelled = await client.experimental.tasks.cancelTask(id);
  return shown({ cancelled, got: await client.experimental.tasks.getTask(id) }, id);
}

/** A task that asks its client (elicitation, related to the task, delivered during tasks/result). */
async function observeAsking(route: Route) {
  const { client } = await connected(route, { capabilities: { elicitation: { form: {} } } });
  const asked: unknown[] = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params);
    return { action: 'accept', content: { ok: true } };
  });
  const created = await startTask(client, { steps: 0, ask: true });
  const id = created.task.taskId;
  const result = await client.experimental.tasks.getTaskResult(id, CallToolResultSchema);
  return shown({ asked, result }, id);
}

test.each(through)('a task that asks its client does so as directly, naming its own task: $name', async (route) => {
  const expected = await observeAsking(direct[0]!);
  expect(expected).toMatchObject({ asked: [{ _meta: { 'io.modelcontextprotocol/related-task': { taskId: 'TASK' } } }] });
  expect(await observeAsking(route)).toEqual(expected);
});

test.each(through)('a call made as a task, its progress, statuses, tasks/get, tasks/result and tasks/list are as direct: $name', async (route) => {
  const expected = await observeToEnd(direct[0]!);
  expect(JSON.stringify(expected)).toContain('step 2 of 2');
  expect(await observeToEnd(route)).toEqual(expected);
});

test.each(through)('tasks/cancel cancels a task as directly: $name', async (route) => {
  const expected = await observeCancel(direct[0]!);
  expect(expected).toMatchObject({ cancelled: { status: 'cancelled' }, got: { status: 'cancelled' } });
  expect(await observeCancel(route)).toEqual(expected);
});

/** A client whose task asks it, answering with `ok`; resolves with the task's result. */
async function askedClient(route: Route, ok: boolean) {
  const { client } = await connected(route, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { ok } }));
  const created = await startTask(client, { steps: 2, ask: true });
  return client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
}

// Over HTTP only: each stdio client runs a gateway (and a stdio upstream) of its own.
test.each(through.filter((r) => r.name === 'HTTP client, stdio upstream'))(
  'two sessions waiting on tasks that ask, on one shared stdio upstream, are each asked about their own: $name',
  async (route) => {
    // Both tasks/result requests are in flight when the upstream asks, and stdio carries no link to
    // either: only the task the request names tells whose it is (before, it was refused).
    const [yes, no] = await Promise.all([askedClient(route, true), askedClient(route, false)]);
    expect([withoutReceipts(yes).content, withoutReceipts(no).content]).toEqual([
      [{ type: 'text', text: '{"ok":true}' }],
      [{ type: 'text', text: '{"ok":false}' }],
    ]);
  },
);
