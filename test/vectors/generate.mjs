// Regenerates the golden vectors in this folder from fixed seeds (run after `npm run build`):
//   node test/vectors/generate.mjs
// The single-receipt vector and the forged receipts are fully deterministic; the golden ledger is
// written by the real ledger and carries real ids and times. Every vector obeys docs/receipts.md, or
// (tampered-*, forged-*, forged/) breaks exactly one of its rules, named in the manifests.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ledger, prove, verifyLedger } from '../../dist/ledger/index.js';
import { RECEIPT_MEDIA_TYPE, canonicalJson, canonicalSha256, errorSha256, keyIdOf, leafHash, pae, sealReceipt, signerFromSeed, Keyring } from '../../dist/receipts/index.js';
import { createLogger } from '../../dist/log.js';
import { singleReceipts } from './single-receipts.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seed = (label) => createHash('sha256').update(label).digest();
const hash = (text) => createHash('sha256').update(text).digest('hex');
const keyA = signerFromSeed(seed('toolgate test key A'));
const keyB = signerFromSeed(seed('toolgate test key B'));
const json = (file, value) => writeFileSync(join(here, file), `${JSON.stringify(value, null, 2)}\n`);

// 1. One receipt, byte for byte.
const call = {
  id: 'call_1',
  session: 'stdio',
  rpc_id: 42,
  server: 'fs',
  tool: 'read_file',
  tool_sha256: hash('tool definition'),
  args_sha256: canonicalSha256({ path: '/tmp/ünïcödé.txt', limit: 1e21 }),
};
const policy = { bundle_sha256: hash('bundle'), rules: ['fs-read'], effect: 'permit', reason: 'allowed by rule fs-read' };
const body = {
  v: 1,
  id: 'rcpt_01KAQ5XG7N3M9ZP2R4T6V8W0YB',
  event: 'permit',
  ts: '2026-01-02T03:04:05.678Z',
  issuer: { id: 'acme-dev-gate', key_id: keyA.keyId },
  chain: { id: 'chain_01KAQ5XG7N3M9ZP2R4T6V8W0YC', seq: 7, prev: hash('previous') },
  call,
  principal: { id: 'agent:ci', groups: ['agents'] },
  policy,
};
const sealed = sealReceipt(body, keyA);
writeFileSync(join(here, 'receipt.payload'), sealed.payload);
writeFileSync(join(here, 'receipt.pae'), pae(RECEIPT_MEDIA_TYPE, sealed.payload));
json('receipt.json', {
  comment: 'One receipt signed by key A. payload = RFC 8785 of body; pae = DSSE PAE(payloadType, payload); leaf_hash = sha256(0x00 || payload).',
  body,
  canonical: sealed.payload.toString('utf8'),
  pae_hex: pae(RECEIPT_MEDIA_TYPE, sealed.payload).toString('hex'),
  signature_hex: Buffer.from(sealed.envelope.signatures[0].sig, 'base64').toString('hex'),
  leaf_hash_hex: leafHash(sealed.payload).toString('hex'),
  envelope: sealed.envelope,
});
// The hash input of call.upstream_sha256 (§1.3): a stdio upstream's configured transport.
const upstream = { kind: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv'] };
json('upstream.json', {
  comment: 'call.upstream_sha256 = sha256(JCS(transport)); transport is toolgate.yaml upstreams.fs: { command, args } with kind "stdio" (env and cwd left out).',
  config: { command: upstream.command, args: upstream.args, env: { API_TOKEN: 'not part of the identity' } },
  transport: upstream,
  canonical: canonicalJson(upstream),
  sha256: canonicalSha256(upstream),
});
json('keys.json', {
  comment: 'Test keys only: seed = sha256("toolgate test key A" | "toolgate test key B"). Never use them for anything real.',
  keys: [keyA, keyB].map((k, i) => ({
    label: i === 0 ? 'A' : 'B',
    seed_hex: seed(`toolgate test key ${i === 0 ? 'A' : 'B'}`).toString('hex'),
    public_key_hex: Buffer.from(k.publicKey).toString('hex'),
    key_id: keyIdOf(k.publicKey),
  })),
});

// 2. A golden ledger holding every event the way toolgate writes it, each call's receipts in their
// order: segments of 8, a checkpoint every 5, a rotation from A to B.
const dir = join(here, 'ledger');
rmSync(dir, { recursive: true, force: true });
const log = createLogger({ level: 'silent' });
const ledger = await Ledger.open({ dir, signer: keyA, issuerId: 'acme-dev-gate', log, checkpointEvery: 5, segmentReceipts: 8 });
const principal = { id: 'agent:ci', groups: ['agents'] };
// The upstream every call of the golden ledger runs on; its executions name it (§1.3, upstream.json).
const upstreamSha256 = canonicalSha256(upstream);
const EXECUTIONS = ['permit', 'complete', 'fail', 'unknown'];
const requestOf = (n, event) => ({
  call: { ...call, id: `call_${n}`, rpc_id: n, ...(EXECUTIONS.includes(event) ? { upstream_sha256: upstreamSha256 } : {}) },
  principal,
});
const decided = (n, event, effect, { policy: decision, ...extra } = {}) => ledger.append({ event, ...requestOf(n, event), policy: { ...policy, effect, ...decision }, ...extra });
const result = (text) => ({ sha256: canonicalSha256({ content: [{ type: 'text', text }] }), is_error: false });
const approval = (n, extra = {}) => ({ id: `apr_${n}`, approvers: ['user:alice', 'group:dba'], expires_at: '2026-01-02T04:04:05.678Z', ...extra });
const held = { rules: ['fs-write-needs-review'], reason: 'writes need a review' };
/** A held call and how it ended: the hold, then the end naming it; returns the hold's leaf hash. */
const hold = async (n, end, extra = {}) => {
  const { leafHash } = await decided(n, 'hold', 'hold', { policy: held, approval: approval(n) });
  await decided(n, end, 'hold', { policy: held, approval: approval(n, extra), ref: leafHash });
  return leafHash;
};
const windowOf = { id: 'bg_01KAQ5XG7N3M9ZP2R4T6V8W0YD', opened_by: 'user:olga', reason: 'incident 42: restore service' };
const windowCall = { id: windowOf.id, session: 'admin', rpc_id: null, server: 'fs', tool: '*', tool_sha256: null, args_sha256: canonicalSha256({}) };
const windowStep = (event, by, extra = {}) =>
  ledger.append({
    event,
    call: windowCall,
    principal: { id: by },
    policy: { bundle_sha256: policy.bundle_sha256, rules: [], effect: 'break_glass', reason: `break-glass ${windowOf.id} ${event.slice(12)} by ${by}` },
    break_glass: { ...windowOf, expires_at: '2026-01-02T05:04:05.678Z', ...extra },
  });

let permit = await decided(1, 'permit', 'permit');
await decided(1, 'complete', 'permit', { ref: permit.leafHash, result: result('file contents') });
await decided(2, 'deny', 'deny', { policy: { rules: ['no-secrets'], reason: 'denied by rule no-secrets' } });
await decided(3, 'silence', 'silence', { policy: { rules: [], reason: 'no rule matches: silence' } });
await hold(4, 'approve', { decided_by: ['user:alice'], note: 'looks right' });
permit = await decided(4, 'permit', 'permit', { approval: approval(4, { decided_by: ['user:alice'] }) });
// The upstream answered with a JSON-RPC error: the fail hashes it and names its code.
const rpcError = { code: -32050, message: 'quota exceeded', data: { retry_after: 5 } };
await decided(4, 'fail', 'permit', { approval: approval(4, { decided_by: ['user:alice'] }), ref: permit.leafHash, result: { sha256: errorSha256(rpcError), is_error: true, error_code: -32050 } });
await hold(5, 'reject', { decided_by: ['user:alice'], note: 'not today' });
const rotation = await ledger.rotateSigner(
  { event: 'rotate', rotation: { from_key_id: keyA.keyId, to_key_id: keyB.keyId, to_public_key: Buffer.from(keyB.publicKey).toString('base64'), not_before: '2026-01-01T00:00:00.000Z' } },
  keyB,
);
await hold(6, 'expire');
await hold(7, 'cancel');
const voided = await hold(8, 'approve', { decided_by: ['user:alice'] });
await decided(8, 'void', 'hold', { policy: { ...held, reason: 'approval void: the policy in force now denies the call' }, approval: approval(8, { decided_by: ['user:alice'] }), ref: voided });
await decided(8, 'deny', 'deny', { policy: { rules: ['freeze'], reason: 'denied by rule freeze' } });
await windowStep('break_glass_open', 'user:olga');
await windowStep('break_glass_confirm', 'user:sam');
permit = await decided(9, 'permit', 'deny', { policy: { rules: ['no-secrets'], reason: 'denied by rule no-secrets' }, break_glass: windowOf });
await decided(9, 'complete', 'deny', { policy: { rules: ['no-secrets'], reason: 'denied by rule no-secrets' }, break_glass: windowOf, ref: permit.leafHash, result: result('secret') });
await windowStep('break_glass_close', 'user:olga');
await windowStep('break_glass_review', 'user:ravi', { note: 'justified: the outage was real' });
const pin = hash('new definition');
await ledger.append({
  event: 'pin_approve',
  call: { id: 'pin:fs/read_file', session: 'admin', rpc_id: null, server: 'fs', tool: 'read_file', tool_sha256: pin, args_sha256: canonicalSha256({ from: call.tool_sha256, to: pin }) },
  principal: { id: 'user:olga' },
  policy: { bundle_sha256: policy.bundle_sha256, rules: [], effect: 'pin_approve', reason: `definition of fs/read_file changed from ${call.tool_sha256} to ${pin}; approved by user:olga` },
});
const rewritten = { call: { ...requestOf(10, 'permit').call, effective_args_sha256: canonicalSha256({ path: '/tmp/ünïcödé.txt', limit: 100 }) }, principal };
permit = await ledger.append({ event: 'permit', ...rewritten, policy: { ...policy, rules: ['fs-read-limited'] } });
await ledger.append({ event: 'complete', ...rewritten, policy: { ...policy, rules: ['fs-read-limited'] }, ref: permit.leafHash, result: { ...result('100 lines'), is_error: true } });
// Sent upstream, never answered (the rule's timeout): it may have run.
permit = await decided(11, 'permit', 'permit', { constraints: { timeout_ms: 5000 } });
await decided(11, 'unknown', 'permit', { constraints: { timeout_ms: 5000 }, ref: permit.leafHash });
// A hold under an AND requirement: every vote a receipt, then the approve listing the votes.
const requirement = [
  { rule: 'prod-change', group: 'security-team', quorum: 1 },
  { rule: 'prod-change', group: 'platform-lead', quorum: 1 },
];
const bound = { requirement, requirement_sha256: canonicalSha256(requirement) };
const votes = [
  { reviewer: 'user:alice', groups: ['security-team'], verdict: 'approve', note: 'ticket checked', evidence: { ticket: 'CHG-1' }, at: '2026-01-02T03:05:00.000Z' },
  { reviewer: 'user:pat', groups: ['platform-lead'], verdict: 'approve', at: '2026-01-02T03:06:00.000Z' },
];
const held12 = (await decided(12, 'hold', 'hold', { policy: held, approval: approval(12, bound) })).leafHash;
for (const vote of votes) await decided(12, 'vote', 'hold', { policy: held, approval: approval(12, { ...bound, vote }), ref: held12 });
await decided(12, 'approve', 'hold', { policy: held, approval: approval(12, { ...bound, decided_by: votes.map((v) => v.reviewer), votes }), ref: held12 });
// A shadow candidate would have held a call the policy in force permitted (§1.8): the permit says
// so; its complete does not.
permit = await decided(13, 'permit', 'permit', { shadow: { bundle_sha256: hash('candidate bundle'), effect: 'hold', rules: ['fs-read-reviewed'] } });
await decided(13, 'complete', 'permit', { ref: permit.leafHash, result: result('file contents') });
// Calls of a client of the stateless 2026-07-28 era (§1.1): its decision receipts name the revision;
// the complete after the permit does not.
const stateless = (n, event, era) => {
  const { call: c } = requestOf(n, event);
  return { call: { ...c, session: 'stateless:4c0f3a5e-2b1d-4e8a-9f6c-7d2e1b0a9c8d', ...(era ? { protocol_version: '2026-07-28' } : {}) }, principal };
};
permit = await ledger.append({ event: 'permit', ...stateless(14, 'permit', true), policy: { ...policy, effect: 'permit' } });
await ledger.append({ event: 'complete', ...stateless(14, 'complete', false), policy: { ...policy, effect: 'permit' }, ref: permit.leafHash, result: result('file contents') });
await ledger.append({ event: 'deny', ...stateless(15, 'deny', true), policy: { ...policy, effect: 'deny', rules: ['no-secrets'], reason: 'denied by rule no-secrets' } });
// A policy bundle took effect (a hot reload), signed by the reviewers its config requires.
await ledger.append({
  event: 'policy_change',
  policy_change: {
    previous_bundle_sha256: policy.bundle_sha256,
    bundle_sha256: hash('bundle v2'),
    files: [{ name: 'policy.yaml', sha256: hash('policy v2') }],
    signed_by: [
      { key_id: 'ed25519:34750f98bd59fcfc', name: 'alice' },
      { key_id: 'ed25519:8a88e3dd7409f195', name: 'pat' },
    ],
  },
});
await ledger.close();

const keyring = {
  version: 'toolgate.keyring/v1',
  keys: [
    { key_id: keyA.keyId, algorithm: 'ed25519', public_key: Buffer.from(keyA.publicKey).toString('base64'), not_before: '2026-01-01T00:00:00.000Z', not_after: rotation.body.ts },
    { key_id: keyB.keyId, algorithm: 'ed25519', public_key: Buffer.from(keyB.publicKey).toString('base64'), not_before: '2026-01-01T00:00:00.000Z', not_after: null },
  ],
};
json('keyring.json', keyring);
const ring = Keyring.parse(JSON.stringify(keyring));
const lines = readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8').trim().split('\n');
writeFileSync(join(here, 'checkpoint.txt'), JSON.parse(lines.at(-1)).note);
const target = readFileSync(join(dir, 'receipts-000000000008.jsonl'), 'utf8').split('\n')[3];
json('proof.json', await prove(dir, JSON.parse(Buffer.from(JSON.parse(target).payload, 'base64')).id));

// 3. Tampered copies, each with the first bad entry `ledger verify` must report.
const ledgerCopies = () => readdirSync(here, { withFileTypes: true }).filter((e) => e.isDirectory() && /^(tampered|forged)-/.test(e.name)).map((e) => e.name);
for (const name of ledgerCopies()) rmSync(join(here, name), { recursive: true, force: true });
const seg0 = 'receipts-000000000000.jsonl';
const copy = (name) => {
  cpSync(dir, join(here, name), { recursive: true });
  return join(here, name);
};
const tamper = (name, edit) => {
  const path = join(copy(name), seg0);
  const rows = readFileSync(path, 'utf8').split('\n');
  edit(rows);
  writeFileSync(path, rows.join('\n'));
};
const envelopeAt = (rows, i) => JSON.parse(rows[i]);
tamper('tampered-byte-flip', (rows) => {
  const env = envelopeAt(rows, 2);
  const p = Buffer.from(env.payload, 'base64');
  p[p.indexOf('"read_file"') + 2] ^= 0x01; // "read_file" -> "rdad_file": still JSON, still canonical
  rows[2] = JSON.stringify({ ...env, payload: p.toString('base64') });
});
tamper('tampered-reordered', (rows) => rows.splice(3, 2, rows[4], rows[3]));
tamper('tampered-deleted', (rows) => rows.splice(4, 1));
tamper('tampered-inserted', (rows) => rows.splice(2, 0, rows[1]));
// The same signed receipt in another byte form: each must be rejected, or two files would both verify.
tamper('tampered-crlf', (rows) => (rows[2] += '\r'));
tamper('tampered-spaced', (rows) => (rows[2] = JSON.stringify(envelopeAt(rows, 2), null, 1).replace(/\n */g, ' ')));
tamper('tampered-duplicate-key', (rows) => (rows[2] = rows[2].replace('{"payloadType"', '{"payload":"e30=","payloadType"')));
tamper('tampered-base64', (rows) => {
  const env = envelopeAt(rows, 2);
  const sig = env.signatures[0].sig; // 64 bytes: "==" padding, the last character before it has 4 spare bits
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  env.signatures[0].sig = sig.slice(0, 85) + alphabet[alphabet.indexOf(sig[85]) | 1] + sig.slice(86);
  rows[2] = JSON.stringify(env);
});

// Forged: receipts signed by the right key and well-formed one by one, appended to the golden ledger
// by the real writer, that break "no permit, no execution".
const forge = async (name, drafts) => {
  const forged = await Ledger.open({ dir: copy(name), signer: keyB, issuerId: 'acme-dev-gate', log, checkpointEvery: 5, segmentReceipts: 8 });
  let last; // a draft may be a function of the leaf hash (hex) of the receipt appended before it
  for (const draft of drafts) last = await forged.append(typeof draft === 'function' ? draft(last.leafHash) : draft);
  await forged.close();
};
const first = readFileSync(join(dir, seg0), 'utf8').split('\n');
const leafOfLine = (line) => leafHash(Buffer.from(JSON.parse(line).payload, 'base64')).toString('hex');
await forge('forged-no-permit', [{ event: 'complete', ...requestOf(11, 'complete'), policy, ref: hash('no such permit'), result: result('ran anyway') }]);
await forge('forged-double-execution', [{ event: 'complete', ...requestOf(1, 'complete'), policy, ref: leafOfLine(first[0]), result: result('ran twice') }]);
// A permit, then an execution naming it that does not repeat what the permit allowed (another
// upstream, another deadline): what ran is not what was permitted.
const permitted = { event: 'permit', ...requestOf(13, 'permit'), policy, constraints: { timeout_ms: 1000 } };
await forge('forged-changed-execution', [
  permitted,
  (lastLeaf) => ({
    event: 'complete',
    ...requestOf(13, 'complete'),
    call: { ...requestOf(13, 'complete').call, upstream_sha256: hash('another upstream') },
    policy,
    constraints: { timeout_ms: 999999 },
    ref: lastLeaf,
    result: result('ran elsewhere'),
  }),
]);
await forge('forged-other-calls-permit', [{ event: 'complete', ...requestOf(12, 'complete'), policy, ref: leafOfLine(first[0]), result: result('borrowed permit') }]);

const expected = {};
for (const name of ledgerCopies().sort()) {
  const report = await verifyLedger(join(here, name), ring);
  expected[name] = { ...report.problem, file: report.problem.file.slice(here.length + 1) };
}
// A receipt removed from the end is only visible to the signed checkpoints.
const lastSegment = readdirSync(dir).filter((f) => f.startsWith('receipts-')).sort().at(-1);
const cut = join(copy('tampered-truncated'), lastSegment);
writeFileSync(cut, `${readFileSync(cut, 'utf8').trim().split('\n').slice(0, -1).join('\n')}\n`);
expected['tampered-truncated'] = { ...(await verifyLedger(join(here, 'tampered-truncated'), ring)).problem, file: 'tampered-truncated/checkpoints.jsonl' };
json('tampered.json', expected);

// 4. What a client holds (held.json, docs/receipts.md §10): golden receipts with the result or the
// JSON-RPC error they came with, as toolgate answers them, and changed copies.
const goldenEnvelopes = readdirSync(dir)
  .filter((n) => n.startsWith('receipts-'))
  .sort()
  .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n').filter(Boolean))
  .map((line) => JSON.parse(line));
const envelopeOf = (callId, event) =>
  goldenEnvelopes.find((e) => {
    const b = JSON.parse(Buffer.from(e.payload, 'base64').toString('utf8'));
    return b.call?.id === callId && b.event === event;
  });
const RECEIPT_KEY = 'dev.toolgate/receipt';
const completed = envelopeOf('call_1', 'complete');
const fileResult = { content: [{ type: 'text', text: 'file contents' }], _meta: { [RECEIPT_KEY]: completed } };
const rpcAnswer = { jsonrpc: '2.0', id: 4, error: { ...rpcError, data: { ...rpcError.data, [RECEIPT_KEY]: envelopeOf('call_4', 'fail') } } };
const refusal = { content: [{ type: 'text', text: 'call denied (rule no-secrets): denied by rule no-secrets' }], isError: true, _meta: { [RECEIPT_KEY]: envelopeOf('call_2', 'deny') } };
/** The complete's body re-signed by nobody: result.sha256 changed to fit changed content, the signature kept. */
const refitted = (() => {
  const changed = { content: [{ type: 'text', text: 'other contents' }] };
  const b = JSON.parse(Buffer.from(completed.payload, 'base64').toString('utf8'));
  const payload = Buffer.from(canonicalJson({ ...b, result: { ...b.result, sha256: canonicalSha256(changed) } })).toString('base64');
  return { ...changed, _meta: { [RECEIPT_KEY]: { ...completed, payload } } };
})();
const heldEntry = (name, value, error, rule) => ({ name, text: typeof value === 'string' ? value : JSON.stringify(value), valid: !error, ...(error ? { error, rule } : {}) });
json('held.json', [
  heldEntry('a tool result with its complete receipt', fileResult),
  heldEntry('the JSON-RPC response carrying it', { jsonrpc: '2.0', id: 1, result: fileResult }),
  heldEntry("the upstream's JSON-RPC error with its fail receipt", rpcAnswer),
  heldEntry('a refusal with its deny receipt (binds no result)', refusal),
  heldEntry('a bare receipt', completed),
  heldEntry('the result with its content changed', { ...fileResult, content: [{ type: 'text', text: 'other contents' }] }, 'result_mismatch', '§1.3 result.sha256'),
  heldEntry('the result claiming isError', { ...fileResult, isError: true }, 'result_mismatch', '§1.3 result.sha256 and is_error'),
  heldEntry("the upstream's error with its message changed", { ...rpcAnswer, error: { ...rpcAnswer.error, message: 'all is well' } }, 'result_mismatch', "§1.3 a fail's result.sha256"),
  heldEntry('a result carrying a fail receipt', { ...fileResult, _meta: { [RECEIPT_KEY]: envelopeOf('call_4', 'fail') } }, 'result_mismatch', '§10 a fail binds an error'),
  heldEntry('the receipt changed to fit changed content', refitted, 'signature_invalid', '§3 the signature covers result.sha256'),
  heldEntry('a result carrying no receipt', { content: [{ type: 'text', text: 'file contents' }] }, 'no_receipt', '§10 where the receipt is'),
  heldEntry('a response with a repeated key', JSON.stringify({ jsonrpc: '2.0', id: 1, result: fileResult }).replace('{"jsonrpc"', '{"id":2,"jsonrpc"'), 'not_json', 'conventions: no repeated keys'),
]);

// 5. Single receipts, each signed by key B and broken in one way (forged/receipts.json).
mkdirSync(join(here, 'forged'), { recursive: true });
json('forged/receipts.json', singleReceipts({ keyB, golden: body }));
console.log(JSON.stringify(expected, null, 2));
