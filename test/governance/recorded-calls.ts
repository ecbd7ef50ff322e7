// Calls decided by a real bundle, their arguments kept as real encrypted evidence and their
// receipts appended to a real ledger: what the gate does for each call, done by hand for replay.
import { join } from 'node:path';
import type { CallRequest } from '../../src/core/index.js';
import { EvidenceStore } from '../../src/evidence/index.js';
import { archiveBundle, compileBundle, evaluate } from '../../src/policy/index.js';
import { canonicalSha256 } from '../../src/receipts/index.js';
import { openLedger } from './helpers.js';

export const BASE = `version: toolgate.policy/v1
rules:
  - id: fs-read
    effect: allow
    match: { server: fs, tool: read_file }
  - id: no-secrets
    effect: deny
    match: { server: fs, tool: read_file }
    when: 'args.path.startsWith("/secret")'
  - id: eng-writes
    effect: allow
    match: { server: fs, tool: write_file }
    principal: { groups: [engineering] }
`;
// The candidate also denies reading /etc.
export const CANDIDATE = BASE.replace('args.path.startsWith("/secret")', 'args.path.startsWith("/secret") || args.path.startsWith("/etc")');

export const principals = [
  { id: 'agent:eng', token_sha256: 'e'.repeat(64), groups: ['engineering'] },
  { id: 'agent:ops', token_sha256: 'f'.repeat(64), groups: [] },
];
const calls: Array<[principal: string, tool: string, args: Record<string, unknown>]> = [
  ['agent:eng', 'read_file', { path: '/srv/a.txt' }],
  ['agent:eng', 'read_file', { path: '/etc/hosts' }],
  ['agent:ops', 'read_file', { path: '/secret/key' }],
  ['agent:eng', 'write_file', { path: '/srv/b.txt', content: 'x' }],
  ['agent:ops', 'write_file', { path: '/srv/c.txt', content: 'y' }],
  ['agent:ops', 'delete_file', { path: '/srv/c.txt' }],
];

/** The gate's part, done by hand: decide with the bundle in force, keep the arguments, append the receipt. */
export async function recordCalls(dir: string, tamper?: (i: number, effect: string) => string) {
  const bundle = compileBundle([{ file: 'policy.yaml', text: BASE }]);
  const archiveDir = join(dir, 'bundles');
  await archiveBundle(archiveDir, bundle);
  const evidence = new EvidenceStore({ dir: join(dir, 'evidence'), keyFile: join(dir, 'keys', 'evidence.key'), retentionMs: 86_400_000 });
  const ledger = await openLedger(join(dir, 'ledger'));
  for (const [i, [principal, tool, args]] of calls.entries()) {
    const request: CallRequest = {
      callId: `call_${i}`,
      session: 's',
      rpcId: i,
      principal: { id: principal, groups: principals.find((p) => p.id === principal)!.groups },
      method: 'tools/call',
      server: 'fs',
      tool,
      args,
      argsSha256: canonicalSha256(args),
      toolSha256: null,
      annotations: {},
      now: new Date(),
    };
    const decision = evaluate(bundle, request);
    evidence.put(request.argsSha256, args);
    // A tampered receipt records another outcome, as event and effect alike (the format ties them).
    const effect = (tamper ? tamper(i, decision.outcome) : decision.outcome) as typeof decision.outcome;
    await ledger.append({
      event: effect,
      call: { id: request.callId, session: 's', rpc_id: i, server: 'fs', tool, tool_sha256: null, args_sha256: request.argsSha256 },
      principal: { id: principal },
      policy: { bundle_sha256: bundle.sha256, rules: decision.rules, effect, reason: decision.reason },
    });
  }
  await ledger.close();
  const options = {
    ledgerDir: join(dir, 'ledger'),
    evidence,
    archiveDir,
    principals,
    since: new Date(Date.now() - 3_600_000),
    until: new Date(Date.now() + 1000),
    sample: 100,
    seed: 7,
  };
  return { bundle, archiveDir, options };
}
