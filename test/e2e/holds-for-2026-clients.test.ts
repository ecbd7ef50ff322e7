// A held call of a 2026-07-28 client without the tasks extension, through the real `toolgate serve`
// and its admin API: no request stays open while reviewers decide. The call is answered with an
// input-required result asking about the approval (its console page, for a client that takes URL
// elicitations); each retry gets the same question while the approval is pending, the result once it
// was granted and the call ran, or the refusal with its receipt once it was rejected.
import { describe, expect, it } from 'vitest';
import { admin, envelope, receiptBody, servedForFile, statelessPost, textOf, TOKENS, until, type Served } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-held
    effect: require_approval
    match: { server: fx, tool: echo }
    reason: echo needs a DBA's eyes
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 20s }
`;

const URL_ELICITATION = { elicitation: { form: {}, url: {} } };

async function call(served: Served, params: Record<string, unknown>, capabilities: Record<string, unknown> = URL_ELICITATION) {
  const started = Date.now();
  const { json } = await statelessPost(served.mcpUrl, 'tools/call', { name: 'fx__echo', ...params }, { meta: envelope(capabilities, 'holds-client') });
  return { json, ms: Date.now() - started };
}

async function pendingFor(served: Served, text: string): Promise<{ id: string }> {
  return until(async () => {
    const { json } = await admin(served, '/api/approvals?status=pending', TOKENS.alice);
    return (json.approvals as Array<{ id: string }>).find((a) => JSON.stringify(a).includes(text));
  }, `a pending approval for ${text}`);
}

const retry = (text: string, first: { result: { requestState: string } }, action = 'accept') => ({
  arguments: { text },
  inputResponses: { toolgate_approval: { action } },
  requestState: first.result.requestState,
});

describe('a held call of a 2026-07-28 client without the tasks extension', () => {
  const gate = servedForFile({ policy: POLICY });

  it('asks about the approval at once, again while it is pending, and answers the result once granted', async () => {
    const first = await call(gate.served(), { arguments: { text: 'approve me' } });
    // Not held open for the approval's 20 s wait.
    expect(first.ms).toBeLessThan(10_000);
    const approval = await pendingFor(gate.served(), 'approve me');
    expect(first.json.result).toMatchObject({
      resultType: 'input_required',
      inputRequests: {
        toolgate_approval: {
          method: 'elicitation/create',
          params: { mode: 'url', url: `${gate.served().adminUrl}/#/approvals/${approval.id}`, message: expect.stringContaining(approval.id) },
        },
      },
      requestState: expect.any(String),
    });
    const pending = await call(gate.served(), retry('approve me', first.json));
    expect(pending.json.result.resultType).toBe('input_required');
    expect(pending.json.result.requestState).not.toBe(first.json.result.requestState);
    expect((await admin(gate.served(), `/api/approvals/${approval.id}/approve`, TOKENS.alice, { note: 'fine' })).status).toBe(200);
    const done = await until(async () => {
      const answer = await call(gate.served(), retry('approve me', pending.json));
      if (answer.json.result?.resultType === 'input_required') {
        pending.json = answer.json;
        return undefined;
      }
      return answer.json;
    }, 'the result after the approval');
    expect(done.result.resultType).toBe('complete');
    expect(textOf(done.result)).toBe('approve me');
    expect(receiptBody(done.result)).toMatchObject({ event: 'complete', approval: { id: approval.id, decided_by: ['user:alice'] } });
    expect(done.result._meta['io.modelcontextprotocol/related-task']).toBeUndefined();
    // The state of a round already answered names nothing any more.
    expect((await call(gate.served(), retry('approve me', first.json))).json.error.code).toBe(-32602);
  });

  it('answers the refusal with its receipt once reviewers reject', async () => {
    const first = await call(gate.served(), { arguments: { text: 'reject me' } });
    const approval = await pendingFor(gate.served(), 'reject me');
    expect((await admin(gate.served(), `/api/approvals/${approval.id}/reject`, TOKENS.bob, { note: 'not today' })).status).toBe(200);
    const done = await until(async () => {
      const answer = await call(gate.served(), retry('reject me', first.json));
      if (answer.json.result?.resultType === 'input_required') {
        first.json = answer.json;
        return undefined;
      }
      return answer.json;
    }, 'the refusal after the rejection');
    expect(done.result.isError).toBe(true);
    expect(textOf(done.result)).toContain('not today');
    expect(receiptBody(done.result)).toMatchObject({ event: 'reject', approval: { id: approval.id, decided_by: ['user:bob'] } });
  });

  it('a client that declines withdraws the call: its approval is no longer pending', async () => {
    const first = await call(gate.served(), { arguments: { text: 'withdraw me' } }, { elicitation: {} });
    // A client that takes no URL elicitations is asked with a form that has nothing to fill.
    expect(first.json.result.inputRequests.toolgate_approval.params).toMatchObject({ mode: 'form', requestedSchema: { type: 'object', properties: {} } });
    const approval = await pendingFor(gate.served(), 'withdraw me');
    const done = await call(gate.served(), retry('withdraw me', first.json, 'decline'), { elicitation: {} });
    expect(done.json.result.isError).toBe(true);
    expect(receiptBody(done.json.result)).toMatchObject({ event: 'cancel', approval: { id: approval.id } });
    const { json } = await admin(gate.served(), `/api/approvals/${approval.id}`, TOKENS.alice);
    expect(json.status).not.toBe('pending');
  });
});
