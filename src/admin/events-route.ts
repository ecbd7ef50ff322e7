// GET /api/events: a server-sent-event stream of approval changes for consoles and scripts.
// Comment lines keep idle connections (and the proxies between) alive.
import type { Approvals, Reviewer } from '../approvals/index.js';
import type { Route } from '../http/index.js';
import { approvalView } from './approval-view.js';

export function eventsRoute(approvals: Approvals, options: { heartbeatMs?: number; clock?: () => Date } = {}): Route<Reviewer> {
  const clock = options.clock ?? (() => new Date());
  let seq = 0;
  return {
    method: 'GET',
    path: '/api/events',
    auth: 'token',
    async handle({ res }) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('retry: 3000\n: connected\n\n');
      const unsubscribe = approvals.subscribe((change) => {
        const data = JSON.stringify({ kind: change.kind, approval: approvalView(change.approval, clock(), approvals.isWaiting(change.approval.id)) });
        res.write(`id: ${++seq}\nevent: approval.${change.kind}\ndata: ${data}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
      res.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
      return undefined;
    },
  };
}
