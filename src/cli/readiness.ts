// GET /readyz: tells a load balancer the truth. Ready only when a policy bundle is in force, the
// ledger takes receipts and every enabled upstream is connected; the body says which check failed.
import type { Reviewer } from '../approvals/index.js';
import type { Route } from '../http/index.js';

export type ReadinessCheck = () => { ok: boolean; detail: string };

export function readinessRoute(checks: Record<string, ReadinessCheck>): Route<Reviewer> {
  return {
    method: 'GET',
    path: '/readyz',
    auth: 'public',
    handle: async () => {
      const results = Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, safely(check)]));
      const ready = Object.values(results).every((r) => r.ok);
      return { status: ready ? 200 : 503, body: { ready, checks: results } };
    },
  };
}

function safely(check: ReadinessCheck): { ok: boolean; detail: string } {
  try {
    return check();
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}
