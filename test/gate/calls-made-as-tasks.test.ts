// A call made as a task (docs/gateway.md, "Tasks"): the gate records the permit before dispatch as
// always; when the upstream takes the call as a task, what it came to is recorded once, when the
// task ends; a held one is answered at once while the wait goes on, and released through the same
// path as any approved call.
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskAnswer } from '../../src/gate/index.js';
import { callRequest } from '../../src/policy/index.js';
import { openPayload, type Envelope } from '../../src/receipts/index.js';
import { UpstreamRpcError } from '../../src/upstream/index.js';
import { gateRig, reviewer, type Rig } from './rig.js';

const RULES = `  - { id: runs, effect: allow, match: { server: db, tool: report } }
  - id: held
    effect: require_approval
    match: { server: db, tool: migrate }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 50ms }
`;
const CREATED = { task: { taskId: 'up-1', status: 'working', createdAt: '2026-12-02T00:00:00Z', lastUpdatedAt: '2026-12-02T00:00:00Z', ttl: 1000 } };
let rig: Rig;
afterEach(() => rig?.close());

function asTask(tool: string, dispatched: Record<string, unknown> = CREATED): Promise<TaskAnswer> {
  const request = { ...callRequest({ server: 'db', tool, args: {}, principal: 'agent:ci' }, `call_${tool}`), now: new Date() };
  return rig.gate.handleAsTask({ request, signal: new AbortController().signal, dispatch: async () => dispatched });
}

const eventOf = (receipt: Envelope | undefined) => (openPayload(receipt!).body as { event: string }).event;

describe('a call made as a task', () => {
  it('is answered with the upstream task and its permit; the task end is recorded once', async () => {
    rig = await gateRig(RULES);
    const answer = await asTask('report');
    if (answer.kind !== 'task') throw new Error(`expected a task, got ${answer.kind}`);
    expect(answer.result).toEqual(CREATED);
    expect(eventOf(answer.receipt)).toBe('permit');
    expect(await rig.events()).toEqual(['permit']);
    const result = { content: [{ type: 'text', text: 'done' }] };
    const [first, again] = await Promise.all([answer.end({ result }), answer.end({ err: new Error('later') })]);
    expect(first).toBe(again);
    expect(first).toMatchObject({ kind: 'result', result });
    expect(await rig.events()).toEqual(['permit', 'complete']);
  });

  it('a task that ends in the upstream error is a fail with its code', async () => {
    rig = await gateRig(RULES);
    const answer = await asTask('report');
    if (answer.kind !== 'task') throw new Error(`expected a task, got ${answer.kind}`);
    const ended = await answer.end({ err: new UpstreamRpcError({ code: -32000, message: 'broke' }) });
    expect(ended).toMatchObject({ kind: 'upstream-error', error: { code: -32000 } });
    expect((await rig.bodies()).at(-1)).toMatchObject({ event: 'fail', result: { is_error: true, error_code: -32000 } });
  });

  it('an upstream that answers plainly ends the call at once, as any call', async () => {
    rig = await gateRig(RULES);
    const answer = await asTask('report', { content: [{ type: 'text', text: 'plain' }] });
    expect(answer.kind).toBe('result');
    expect(await rig.events()).toEqual(['permit', 'complete']);
  });

  it('is observed once, when its task ends', async () => {
    const finals: string[] = [];
    rig = await gateRig(RULES, { observe: (o) => finals.push(o.final) });
    const answer = await asTask('report');
    if (answer.kind !== 'task') throw new Error(`expected a task, got ${answer.kind}`);
    expect(finals).toEqual([]);
    await answer.end({ result: { content: [] } });
    await new Promise((r) => setImmediate(r));
    expect(finals).toEqual(['complete']);
  });

  it('a held call is answered at once with its hold, waits past the rule wait, and runs once approved', async () => {
    const finals: string[] = [];
    rig = await gateRig(RULES, { observe: (o) => finals.push(o.final) });
    const answer = await asTask('migrate');
    if (answer.kind !== 'held') throw new Error(`expected a hold, got ${answer.kind}`);
    expect(eventOf(answer.receipt)).toBe('hold');
    await new Promise((r) => setTimeout(r, 200)); // four times the rule's wait
    expect(await rig.events()).toEqual(['hold']);
    await rig.approvals.decide(answer.approval.id, reviewer('alice'), 'approve');
    const later = await answer.outcome;
    if (later.kind !== 'task') throw new Error(`expected a task, got ${later.kind}`);
    expect(await rig.events()).toEqual(['hold', 'vote', 'approve', 'permit']);
    await later.end({ err: new UpstreamRpcError({ code: -32603, message: 'gone' }) });
    await new Promise((r) => setImmediate(r));
    expect(finals).toEqual(['fail']);
  });
});
