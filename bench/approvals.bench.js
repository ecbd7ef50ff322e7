// Approval holds: how fast an approve request reaches the held request, alone and with 10,000 held
// calls waiting in one process (resident memory, heartbeat punctuality, approve latency).
// Baseline: the same decision through `approvals.decide()` in-process, without HTTP.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalRoutes, createAdminServer, eventsRoute } from '../dist/admin/index.js';
import { Approvals, ReviewerDirectory } from '../dist/approvals/index.js';
import { createLogger } from '../dist/log.js';
import { openLowdbStore } from '../dist/store/index.js';
import { fmt, interleave, machine, median, now, quantile, table } from './lib.js';

const HELD = 10_000;
const ROUNDS = 30;
const HEARTBEAT_MS = 1_000;
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const log = createLogger({ level: 'silent' });

function request(i) {
  const args = { sql: `UPDATE accounts SET flag = true WHERE id = ${i}` };
  return {
    callId: `call_${i}`,
    session: 'bench',
    rpcId: i,
    principal: { id: 'agent:bench', groups: [] },
    method: 'tools/call',
    server: 'postgres-prod',
    tool: 'execute_sql',
    args,
    argsSha256: sha256(JSON.stringify(args)),
    toolSha256: null,
    annotations: {},
    now: new Date(),
  };
}
const decision = {
  outcome: 'hold',
  rules: ['prod-sql-writes'],
  reason: 'writes to production need a DBA',
  bundleSha256: 'b'.repeat(64),
  approval: {
    ruleId: 'prod-sql-writes',
    requirement: [{ rule: 'prod-sql-writes', approvers: ['group:dba'], quorum: 1 }],
    evidence: { note: false, fields: [] },
    timeoutMs: 900_000,
    waitMs: 600_000,
    webhooks: [],
  },
};

async function setup(dir) {
  const store = await openLowdbStore(join(dir, 'state.json'));
  const reviewers = new ReviewerDirectory([{ id: 'user:alice', token_sha256: sha256('alice'), groups: ['dba'], rights: [] }]);
  const approvals = new Approvals({ store, log, heartbeatMs: HEARTBEAT_MS });
  const admin = createAdminServer({
    admin: { host: '127.0.0.1', port: 0, allowed_hosts: [] },
    reviewers,
    log,
    routes: [...approvalRoutes(approvals), eventsRoute(approvals)],
  });
  const url = await admin.listen();
  const alice = reviewers.authenticate('alice');
  return { store, approvals, admin, url, alice };
}

/** Milliseconds from the decision being sent to the held request's waiter resolving. */
async function latency(ctx, i, viaHttp) {
  const { approval } = await ctx.approvals.openOrAttach(request(i), decision);
  const resolved = ctx.approvals.wait(approval.id, { waitMs: 60_000 }).then(() => now());
  const t0 = now();
  if (viaHttp) {
    const res = await fetch(`${ctx.url}/api/approvals/${approval.id}/approve`, { method: 'POST', headers: { authorization: 'Bearer alice' } });
    if (res.status !== 200) throw new Error(`approve answered ${res.status}`);
    await res.arrayBuffer();
  } else await ctx.approvals.decide(approval.id, ctx.alice, 'approve');
  return (await resolved) - t0;
}

async function measureLatency(ctx, offset) {
  let i = offset;
  return interleave({ rest: () => latency(ctx, i++, true), direct: () => latency(ctx, i++, false) }, ROUNDS);
}

const dir = mkdtempSync(join(tmpdir(), 'toolgate-bench-'));
const ctx = await setup(dir);
await measureLatency(ctx, 1e6); // warm-up
const idle = await measureLatency(ctx, 2e6);

// 10,000 held calls, each waiting with heartbeats.
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const ids = [];
for (let b = 0; b < HELD; b += 500) {
  const batch = await Promise.all(Array.from({ length: 500 }, (_, k) => ctx.approvals.openOrAttach(request(b + k), decision)));
  ids.push(...batch.map((r) => r.approval.id));
}
const lateness = [];
let holding = true;
ctx.approvals.start(); // the expiry sweep runs as in the gateway
const waits = ids.map((id) => {
  const started = now();
  const onHeartbeat = (beat) => void (holding && lateness.push(now() - started - beat * HEARTBEAT_MS));
  return ctx.approvals.wait(id, { waitMs: 600_000, onHeartbeat });
});
await new Promise((r) => setTimeout(r, 5 * HEARTBEAT_MS + 200));
holding = false;
global.gc?.();
const rssHeld = process.memoryUsage().rss;
const loaded = await measureLatency(ctx, 3e6);
await Promise.all(ids.map((id) => ctx.approvals.cancel(id)));
await Promise.all(waits);
ctx.approvals.stop();
await ctx.admin.close();
await ctx.store.close();
rmSync(dir, { recursive: true, force: true });

const row = (name, values, base) => [name, fmt(median(values)), fmt(quantile(values, 0.95)), `${fmt(median(values) / median(base), 2)}x`];
const mb = (b) => `${fmt(b / 1048576)} MB`;
process.stdout.write(`## Approvals: approve request to held request resumed

\`npm run bench -- approvals\` (${ROUNDS} interleaved rounds per row; the store is a lowdb file with fsync)

${table(
  ['scenario', 'median ms', 'p95 ms', 'vs direct'],
  [
    row('REST approve, idle gateway', idle.rest, idle.direct),
    row('direct decide(), idle gateway (baseline)', idle.direct, idle.direct),
    row(`REST approve, ${HELD} calls held`, loaded.rest, loaded.direct),
    row(`direct decide(), ${HELD} calls held`, loaded.direct, loaded.direct),
  ],
)}

${table(
  ['10,000 held calls', 'value'],
  [
    ['resident memory with all held (process)', mb(rssHeld)],
    ['resident memory added by holding them', mb(rssHeld - rssBefore)],
    ['heartbeats delivered', String(lateness.length)],
    [
      `heartbeat lateness median / p99 / max (interval ${HEARTBEAT_MS} ms)`,
      `${fmt(median(lateness))} / ${fmt(quantile(lateness, 0.99))} / ${fmt(quantile(lateness, 1))} ms`,
    ],
  ],
)}

Target: median approve-to-resume under 10 ms; under 300 MB resident with 10,000 held. ${machine()}
`);
