// Shadow mode's cost per call: the gate deciding a permitted tools/call with a real compiled bundle,
// without a shadow candidate (baseline), with one that agrees (no receipt field), and with one that
// differs on every call (every permit receipt carries `shadow`). The receipt sink validates each
// draft as the ledger does before sealing it and keeps nothing, so the figures are the gate's own
// work (decide, compare, drafts) without the disk; a candidate adds no write of its own in any case.
// The end-to-end figure is the gateway bench's (c-shadow) rows: `npm run bench -- gateway`.
import { fmt, interleave, loadAverage, machine, median, now, table } from './lib.js';

const { Gate } = await import('../dist/gate/index.js');
const { compileBundle, decider, callRequest } = await import('../dist/policy/index.js');
const { assertReceiptDraft } = await import('../dist/receipts/index.js');
const { createLogger } = await import('../dist/log.js');

const CALLS = 20_000;
const ROUNDS = 15;
const policy = (rules) => compileBundle([{ file: 'policy.yaml', text: `version: toolgate.policy/v1\nrules:\n${rules}` }]);
// Realistic enough: a few surfaces, a CEL condition on the one called.
const ENFORCING = `  - { id: fs-read, effect: allow, match: { server: fs, tool: "read_*" }, when: 'size(args.path) < 4096' }
  - { id: fs-secrets, effect: deny, match: { server: fs, tool: "*" }, when: 'args.path.startsWith("/etc/")' }
  - { id: db-write, effect: require_approval, match: { server: db, tool: "exec" }, approval: { approvers: [group:dba] } }
`;
const enforcing = decider(policy(ENFORCING));
const agreeing = decider(policy(ENFORCING));
const differing = decider(policy(ENFORCING.replace('id: fs-read,', 'id: fs-read-v2,')));

const sink = { append: async (draft) => ({ envelope: undefined, body: { ...assertReceiptDraft(draft), id: 'discarded' }, leafHash: '' }) };
const log = createLogger({ level: 'silent' });
const gate = (shadow) => new Gate({ decider: () => enforcing, ...(shadow ? { shadow } : {}), receipts: sink, log });
const gates = { without: gate(undefined), agreeing: gate(agreeing), differing: gate(differing) };
const result = { content: [{ type: 'text', text: 'ok' }] };
const call = (i) => ({
  request: {
    ...callRequest({ server: 'fs', tool: 'read_file', args: { path: `/srv/data/${i % 100}.txt` }, principal: 'agent:ci' }, `call_${i}`),
    now: new Date(),
  },
  signal: new AbortController().signal,
  dispatch: async () => result,
});

const perCall = (g) => async () => {
  const t = now();
  for (let i = 0; i < CALLS; i++) await g.handle(call(i));
  return ((now() - t) * 1000) / CALLS;
};
for (const g of Object.values(gates)) await perCall(g)(); // warm-up
const res = await interleave(Object.fromEntries(Object.entries(gates).map(([name, g]) => [name, perCall(g)])), ROUNDS);
const us = (name) => median(res[name]);

const row = (label, name) => [label, fmt(us(name)), `${fmt(us(name) / us('without'))}x`, name === 'without' ? '' : fmt(us(name) - us('without'))];
process.stdout.write(
  `${[
    '## Shadow mode: a candidate deciding beside the policy',
    '',
    '`npm run bench -- shadow` (bench/shadow.bench.js: the gate on one permitted call, real compiled bundles, receipts validated and dropped)',
    '',
    table(
      ['scenario', 'median µs/call', 'vs without', 'added µs/call'],
      [
        row('without a shadow candidate', 'without'),
        row('with a candidate that agrees (no receipt field)', 'agreeing'),
        row('with a candidate that differs on every call (`shadow` on every permit)', 'differing'),
      ],
    ),
    '',
    `${ROUNDS} interleaved rounds of ${CALLS} sequential calls (each: decide, the candidate too, a permit and a complete draft). ${loadAverage()} ${machine()}`,
  ].join('\n')}\n`,
);
