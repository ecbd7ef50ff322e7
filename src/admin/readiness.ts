// GET /readyz: tells a load balancer the truth, and nobody a secret. Ready only when a policy
// bundle is in force, the ledger takes receipts, every enabled upstream is connected and the
// gateway is not draining. Without a token the answer is the status alone; a reviewer also sees
// each check and each upstream, in fixed words with an error id. What went wrong (an upstream's
// stderr, a ledger fault) may hold secrets: it is in the operator's log under that id only.
import { randomBytes } from 'node:crypto';
import type { Reviewer } from '../approvals/index.js';
import type { Route } from '../http/index.js';
import type { Logger } from '../log.js';

export interface ReadinessCheck {
  /** `detail` is shown to reviewers when ok; when not ok it is fault text, for the log only. */
  probe(): { ok: boolean; detail: string };
  /** What a reviewer reads when the check fails. */
  failure: string;
}

/**
 * An upstream as the gateway reports it. `lastError` is upstream/'s fixed description with the
 * error id of its log line (never the upstream's own words), so reviewers may read it.
 */
export interface UpstreamHealth {
  name: string;
  state: string;
  lastError?: string;
}

export interface ReadinessOptions {
  checks: Record<string, ReadinessCheck>;
  upstreams: () => UpstreamHealth[];
  log: Logger;
}

export function readinessRoute({ checks, upstreams, log }: ReadinessOptions): Route<Reviewer> {
  const faults = new FaultIds(log);
  return {
    method: 'GET',
    path: '/readyz',
    auth: 'optional',
    handle: async ({ caller }) => {
      const results = Object.entries(checks).map(([name, check]) => ({ name, check, result: probe(check) }));
      const health = upstreams();
      const ready = results.every((r) => r.result.ok) && health.every((u) => u.state === 'ready');
      const status = ready ? 200 : 503;
      if (!caller) return { status, body: { ready } };
      const shown = results.map(({ name, check, result }) => [
        name,
        result.ok ? result : { ok: false, detail: check.failure, error_id: faults.idFor(name, result.detail) },
      ]);
      return { status, body: { ready, checks: { ...Object.fromEntries(shown), upstreams: upstreamsView(health) } } };
    },
  };
}

function upstreamsView(health: UpstreamHealth[]) {
  const down = health.filter((u) => u.state !== 'ready');
  return {
    ok: down.length === 0,
    detail: down.length ? `${down.length} of ${health.length} not connected` : 'all connected',
    upstreams: health.map(({ name, state, lastError }) => (state === 'ready' ? { name, state } : { name, state, description: lastError ?? state })),
  };
}

function probe(check: ReadinessCheck): { ok: boolean; detail: string } {
  try {
    return check.probe();
  } catch (err) {
    return { ok: false, detail: String((err as Error).message) };
  }
}

/**
 * One error id per fault of a check: a new id (and one log line with the detail) when what the
 * check reports changes, the same id while it stays, so a load balancer polling fills no log.
 */
class FaultIds {
  private readonly last = new Map<string, { detail: string; id: string }>();

  constructor(private readonly log: Logger) {}

  idFor(check: string, detail: string): string {
    const known = this.last.get(check);
    if (known?.detail === detail) return known.id;
    const id = `err_${randomBytes(8).toString('hex')}`;
    this.last.set(check, { detail, id });
    this.log.warn({ check, error_id: id, detail }, 'readiness check failed');
    return id;
  }
}
