// Shared test setup: a real lowdb store in a temporary folder, an Approvals service over it, and
// calls/decisions shaped like the ones the gate hands over.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Approvals, ReviewerDirectory, type ApprovalsOptions, type Reviewer } from '../../src/approvals/index.js';
import type { CallRequest, Decision } from '../../src/core/index.js';
import { createLogger } from '../../src/log.js';
import type { Store } from '../../src/store/index.js';
import { lowdbStore } from '../fixtures/stores.js';

export const log = createLogger({ level: 'silent' });

export const tempPath = (name = 'state.json') => join(mkdtempSync(join(tmpdir(), 'toolgate-')), name);

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const reviewerConfigs = [
  { id: 'user:alice', token_sha256: sha256('alice-token'), groups: ['dba'], rights: [] },
  { id: 'user:bob', token_sha256: sha256('bob-token'), groups: ['dba'], rights: [] },
  { id: 'user:carol', token_sha256: sha256('carol-token'), groups: ['design'], rights: [] },
  { id: 'agent:ci', token_sha256: sha256('ci-token'), groups: ['dba'], rights: [] },
];
export const directory = new ReviewerDirectory(reviewerConfigs);
export const reviewer = (token: string): Reviewer => directory.authenticate(token)!;
export const alice = reviewer('alice-token');
export const bob = reviewer('bob-token');
export const carol = reviewer('carol-token');
export const ci = reviewer('ci-token');

export function callRequest(args: Record<string, unknown> = { sql: 'DELETE FROM users' }, principal = 'agent:ci'): CallRequest {
  return {
    callId: `call_${Math.random().toString(36).slice(2)}`,
    session: 'stdio',
    rpcId: 7,
    principal: { id: principal, groups: ['engineering'] },
    method: 'tools/call',
    server: 'postgres-prod',
    tool: 'execute_sql',
    args,
    argsSha256: sha256(JSON.stringify(args)),
    toolSha256: null,
    annotations: { destructiveHint: true },
    now: new Date(),
  };
}

type Spec = NonNullable<Decision['approval']>;

/** A hold of rule prod-sql-writes: `approvers` + `quorum` (one "any of these" entry, as a rule's approvers form) unless `requirement` is given. */
export function holdDecision({ approvers = ['group:dba'], quorum = 1, ...spec }: Partial<Spec> & { approvers?: string[]; quorum?: number } = {}): Decision {
  return {
    outcome: 'hold',
    rules: ['prod-sql-writes'],
    reason: 'writes to production need a DBA',
    bundleSha256: 'b'.repeat(64),
    approval: {
      ruleId: 'prod-sql-writes',
      requirement: [{ rule: 'prod-sql-writes', approvers, quorum }],
      evidence: { note: false, fields: [] },
      timeoutMs: 15 * 60_000,
      waitMs: 50_000,
      webhooks: [],
      ...spec,
    },
  };
}

/** A settable clock, for expiry without sleeping. */
export function manualClock(start = Date.now()) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

export async function setup(options: Partial<ApprovalsOptions> & { path?: string } = {}): Promise<{ store: Store; approvals: Approvals; path: string }> {
  const path = options.path ?? tempPath();
  const store = options.store ?? (await lowdbStore(path));
  return { store, path, approvals: new Approvals({ log, heartbeatMs: 50, ...options, store }) };
}
