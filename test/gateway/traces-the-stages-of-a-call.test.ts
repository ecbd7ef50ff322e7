// Stage tracing (TOOLGATE_TRACE_STAGES, src/core/stage-trace.ts), as bench/gateway-stages.bench.js
// uses it: a real gateway over stdio with a real ledger and echo upstream writes, at exit, the marks
// of every lone call. They show the ledger's promises in the order things happened: the permit's
// write durable before the request goes upstream, the complete receipt's before the answer.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeAll, expect, test } from 'vitest';
import { requireBuiltCli } from '../fixtures/cli.js';
import { eventually, node, root, text } from './helpers.js';

beforeAll(requireBuiltCli);

const DURABLE = 'ledger: O_DSYNC write done (thread pool callback)';

test('a lone call is traced stage by stage: each receipt durable before what depends on it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-stages-'));
  const config = join(dir, 'toolgate.yaml');
  const traceFile = join(dir, 'stages.json');
  writeFileSync(
    config,
    `listen: { stdio: true }\nupstreams:\n  echo: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(join(root, 'test/fixtures/echo-server.mjs'))}], prefix: "" }\n`,
  );
  const client = new Client({ name: 'stages', version: '1' });
  await client.connect(
    new StdioClientTransport({
      command: node,
      args: [join(root, 'test/fixtures/permit-all-gateway.mjs'), config],
      env: { ...process.env, TOOLGATE_TRACE_STAGES: traceFile } as Record<string, string>,
      stderr: 'ignore',
    }),
  );
  for (let i = 0; i < 3; i++) expect(text(await client.callTool({ name: 'echo', arguments: { text: `call ${i}` } }))).toBe(`call ${i}`);
  await client.close();
  await eventually(() => existsSync(traceFile));

  const { calls } = JSON.parse(readFileSync(traceFile, 'utf8')) as { calls: [string, string][][] };
  const toolCalls = calls.filter((marks) => marks.some(([stage]) => stage === 'gate entered'));
  expect(toolCalls).toHaveLength(3);
  for (const marks of toolCalls) {
    const stages = marks.map(([stage]) => stage);
    const at = (stage: string, from = 0) => stages.indexOf(stage, from);
    const permitDurable = at(DURABLE);
    const sent = at('upstream request sent');
    const completeDurable = at(DURABLE, permitDurable + 1);
    const answered = at('answer handed to the client transport');
    expect(permitDurable).toBeGreaterThan(at('policy decided'));
    expect(sent).toBeGreaterThan(permitDurable);
    expect(completeDurable).toBeGreaterThan(at('upstream answer parsed'));
    expect(answered).toBeGreaterThan(completeDurable);
    // The marks are the monotonic clock's, in order.
    const times = marks.map(([, t]) => BigInt(t));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  }
});
