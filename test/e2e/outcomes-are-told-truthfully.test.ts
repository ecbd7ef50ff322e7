// Through the real `toolgate serve`, against an upstream over stdio that keeps a trace of what it ran:
// a constraint timeout cancels the upstream request (the upstream receives notifications/cancelled)
// and the call is `unknown`; so is a call whose upstream connection drops mid-call; an approved
// held call is a call like the others (counted once under what finally happened, logged, its
// arguments kept as evidence). /metrics is read from the real admin listener.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { OUTCOMES_SERVER as outcomesServer, readTrace } from '../fixtures/outcomes-trace.js';
import { admin, agent, receiptBody, serve, TOKENS, textOf, until, type Served } from './harness.js';

const POLICY = `version: toolgate.policy/v1
rules:
  - id: bounded-slow
    effect: allow_with_constraints
    match: { server: oc, tool: slow }
    constraints: { timeout: 400ms }
  - id: others
    effect: allow
    match: { server: oc, tool: [drop, quick] }
  - id: held-echo
    effect: require_approval
    match: { server: fx, tool: echo }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 20s }
`;

let served: Served;
let client: Client;
let trace: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-e2e-outcomes-'));
  trace = join(dir, 'trace.jsonl');
  served = await serve({
    policy: POLICY,
    dir,
    upstreams: `  oc: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(outcomesServer)}, ${JSON.stringify(trace)}] }\n`,
    extra: 'evidence: { store_arguments: true, dir: evidence }\n',
  });
  client = await agent(served);
});
afterAll(async () => {
  await client?.close();
  await served?.stop();
});

const traced = () => readTrace(trace);
const metrics = async () => (await fetch(`${served.adminUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKENS.bob}` } })).text();
const callLines = () =>
  served
    .stderr()
    .split('\n')
    .filter((l) => l.includes('"msg":"call"'))
    .map((l) => JSON.parse(l));

describe('outcomes through toolgate serve', () => {
  it('a constraint timeout cancels the upstream request, and the client is told the call may have run', async () => {
    const result = await client.callTool({ name: 'oc__slow', arguments: { ms: 10_000 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/constraints\.timeout of rule bounded-slow \(400ms\).*may have run/s);
    expect(receiptBody(result)).toMatchObject({ event: 'unknown', constraints: { timeout_ms: 400 } });
    const cancel = await until(() => traced().find((t) => t.event === 'received'), 'the upstream to receive notifications/cancelled');
    expect(cancel.message).toMatchObject({ method: 'notifications/cancelled', params: { requestId: expect.anything() } });
    expect(await metrics()).toContain('toolgate_calls_total{upstream="oc",tool="slow",effect="permit",outcome="unknown"} 1');
  });

  it('a connection dropped mid-call is unknown, the upstream ran it, and the client gets no internal text', async () => {
    const result = await client.callTool({ name: 'oc__drop', arguments: {} });
    expect(receiptBody(result).event).toBe('unknown');
    expect(textOf(result)).toMatch(/may have run/);
    expect(textOf(result)).not.toMatch(/stderr|ECONN|at .*\.js/);
    expect(traced()).toContainEqual(expect.objectContaining({ event: 'ran', tool: 'drop' }));
    expect(await metrics()).toContain('toolgate_calls_total{upstream="oc",tool="drop",effect="permit",outcome="unknown"} 1');
  });

  it('an approved held call is counted once under what finally happened, logged as such, and its arguments kept as evidence', async () => {
    const calling = client.callTool({ name: 'fx__echo', arguments: { text: 'approved held call' } });
    const pending = await until(async () => (await admin(served, '/api/approvals?status=pending', TOKENS.alice)).json.approvals[0], 'the call to be held');
    expect((await admin(served, `/api/approvals/${pending.id}/approve`, TOKENS.alice, {})).status).toBe(200);
    const result = await calling;
    expect(textOf(result)).toBe('approved held call');
    const text = await metrics();
    expect(text).toContain('toolgate_calls_total{upstream="fx",tool="echo",effect="hold",outcome="complete"} 1');
    expect(text.match(/toolgate_calls_total\{upstream="fx",tool="echo"[^}]*\} \d+/g)).toHaveLength(1);
    const line = callLines().find((l) => l.surface === 'fx/echo');
    expect(line).toMatchObject({ outcome: 'complete', receipt_id: receiptBody(result).id });
    const shard = line.args_sha256.slice(0, 2);
    expect(readdirSync(join(served.dir, 'evidence', shard))).toContain(line.args_sha256);
  });
});
