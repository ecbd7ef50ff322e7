import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookNotifier } from '../../src/approvals/index.js';
import { alice, callRequest, holdDecision, log, setup } from './fixtures.js';

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/** A real HTTP receiver that answers the given statuses in turn (then 200). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  let waiting: ((r: Received[]) => void) | undefined;
  let want = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(statuses.shift() ?? 200).end();
      if (waiting && received.length >= want) waiting(received);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const until = (n: number) => new Promise<Received[]>((resolve) => (received.length >= n ? resolve(received) : ((want = n), (waiting = resolve))));
  return { base, received, until, close: () => new Promise((r) => server.close(r)) };
}

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('webhook notifications', () => {
  it('delivers the hold to the rule webhook, retrying after the receiver fails', async () => {
    const hook = await receiver([500]);
    const notifier = new WebhookNotifier({ log, backoffMs: 20 });
    cleanup.push(hook.close, () => notifier.close());
    const { approvals } = await setup();
    notifier.attach(approvals);
    const { approval } = await approvals.openOrAttach(callRequest({ secret: 'hunter2' }), holdDecision({ webhooks: [`${hook.base}/rule`] }));
    const [failed, delivered] = await hook.until(2);
    expect(failed!.body).toEqual(delivered!.body);
    expect(delivered!.body).toMatchObject({
      event: 'approval.hold',
      approval: { id: approval.id, server: 'postgres-prod', tool: 'execute_sql', principal: 'agent:ci', rule_id: 'prod-sql-writes' },
      text: expect.stringContaining(approval.id),
      blocks: [{ type: 'section' }, { type: 'context' }],
    });
    expect(JSON.stringify(delivered!.body)).not.toContain('hunter2');
  });

  it('sends to the global webhook as well, and reports decisions', async () => {
    const global = await receiver([]);
    const rule = await receiver([]);
    const notifier = new WebhookNotifier({ log, url: `${global.base}/global`, backoffMs: 20 });
    cleanup.push(global.close, rule.close, () => notifier.close());
    const { approvals } = await setup();
    notifier.attach(approvals);
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ webhooks: [`${rule.base}/rule`] }));
    await approvals.decide(approval.id, alice, 'approve', 'fine');
    const events = (await global.until(2)).map((r) => r.body.event);
    expect(events).toEqual(['approval.hold', 'approval.approve']);
    expect((await rule.until(2)).map((r) => r.path)).toEqual(['/rule', '/rule']);
  });
});
