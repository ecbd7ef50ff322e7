// /metrics on a real admin server: Prometheus text with the gateway's figures, refused without a
// token, open to reviewers and to the scraper token, which opens nothing else.
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminServer, type AdminServer } from '../../src/admin/index.js';
import { GatewayMetrics, metricsRoute } from '../../src/metrics/index.js';
import { reviewers, sha256, silentLog } from './helpers.js';

let admin: AdminServer | undefined;
afterEach(async () => admin?.close());

async function serve(metrics: GatewayMetrics) {
  admin = createAdminServer({
    admin: { host: '127.0.0.1', port: 0, allowed_hosts: [] },
    reviewers,
    log: silentLog,
    routes: [
      metricsRoute(metrics, { reviewers, metricsTokenSha256: sha256('scraper-token') }),
      { method: 'GET', path: '/api/whoami', auth: 'token', handle: async (ctx) => ({ body: ctx.caller }) },
    ],
  });
  const url = await admin.listen();
  return (path: string, token?: string) => fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe('metrics over HTTP', () => {
  it('exposes calls, latencies, held calls, ledger, upstream health and the bundle in force', async () => {
    const metrics = new GatewayMetrics();
    const get = await serve(metrics);
    metrics.observeCall({ server: 'fs', tool: 'read_file', effect: 'permit', outcome: 'complete', decisionMs: 0.2, upstreamMs: 12 });
    metrics.observeCall({ server: 'fs', tool: 'read_file', effect: 'permit', outcome: 'complete', decisionMs: 0.3, upstreamMs: 30 });
    metrics.observeCall({ server: 'fs', tool: 'read_file', effect: 'permit', outcome: 'unknown', decisionMs: 0.3, upstreamMs: 2000 });
    metrics.observeCall({ server: 'fs', tool: 'write_file', effect: 'deny', outcome: 'deny', decisionMs: 0.1 });
    metrics.setHeldCalls({ pending: 2, approved: 1 });
    metrics.observeLedgerAppend(3, { receipts: 42, bytes: 40_000 });
    metrics.setUpstreamHealth('fs', true);
    metrics.setUpstreamHealth('github', false);
    metrics.onPolicyReload({ ok: true, sha256: 'a'.repeat(64) });
    metrics.onPolicyReload({ ok: true, sha256: 'c'.repeat(64) });
    metrics.onPolicyReload({ ok: false });

    const res = await get('/metrics', 'olga-token');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('toolgate_calls_total{upstream="fs",tool="read_file",effect="permit",outcome="complete"} 2');
    expect(text).toContain('toolgate_calls_total{upstream="fs",tool="read_file",effect="permit",outcome="unknown"} 1');
    expect(text).toContain('toolgate_calls_total{upstream="fs",tool="write_file",effect="deny",outcome="deny"} 1');
    expect(text).toContain('toolgate_decision_seconds_count 4');
    expect(text).toContain('toolgate_upstream_seconds_count{upstream="fs"} 3');
    expect(text).toContain('toolgate_held_calls{state="pending"} 2');
    expect(text).toContain('toolgate_ledger_append_seconds_count 1');
    expect(text).toContain('toolgate_ledger_receipts 42');
    expect(text).toContain('toolgate_ledger_bytes 40000');
    expect(text).toContain('toolgate_upstream_up{upstream="github"} 0');
    expect(text).toContain(`toolgate_policy_bundle_info{sha="${'c'.repeat(64)}"} 1`);
    expect(text).not.toContain(`sha="${'a'.repeat(64)}"`);
    expect(text).toContain('toolgate_policy_reload_failures_total 1');
  });

  it('refuses a missing or unknown token and lets the scraper token read /metrics only', async () => {
    const get = await serve(new GatewayMetrics());
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', 'not-a-token')).status).toBe(401);
    expect((await get('/metrics', 'scraper-token')).status).toBe(200);
    expect((await get('/api/whoami', 'scraper-token')).status).toBe(401);
    expect((await get('/api/whoami', 'rick-token')).status).toBe(200);
  });
});
