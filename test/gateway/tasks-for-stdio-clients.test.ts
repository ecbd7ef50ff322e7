// Tasks for a client over stdio (docs/gateway.md, "Tasks"): the same task of toolgate's as over
// HTTP, in front of a real task-capable upstream over stdio, with the call's final receipt on
// tasks/result.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, expect, test } from 'vitest';
import { requireBuiltCli } from '../fixtures/cli.js';
import { eventually, node, receiptOf, root, text } from './helpers.js';

beforeAll(requireBuiltCli);

test('a stdio client makes a call as a task and gets its result with the final receipt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-tasks-stdio-'));
  const config = join(dir, 'toolgate.yaml');
  writeFileSync(
    config,
    `listen: { stdio: true }\nupstreams:\n  tk: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(join(root, 'test/fixtures/tasks-server.mjs'))}] }\n`,
  );
  const client = new Client({ name: 'stdio-tasks', version: '1' });
  await client.connect(new StdioClientTransport({ command: node, args: [join(root, 'test/fixtures/permit-all-gateway.mjs'), config], stderr: 'ignore' }));
  try {
    const created = await client.request(
      { method: 'tools/call', params: { name: 'tk__work', arguments: { text: 'over stdio' }, task: {} } },
      CreateTaskResultSchema,
    );
    expect(created.task.taskId).toMatch(/^tg-/);
    expect(receiptOf(created).event).toBe('permit');
    await eventually(async () => (await client.experimental.tasks.getTask(created.task.taskId)).status === 'completed');
    const result = await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(text(result)).toBe('over stdio');
    expect(receiptOf(result)).toMatchObject({ event: 'complete', call: { id: receiptOf(created).call.id } });
    expect((await client.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toEqual([created.task.taskId]);
  } finally {
    await client.close();
  }
});
