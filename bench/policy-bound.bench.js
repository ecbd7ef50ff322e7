// What bounding the cost of a decision costs (issue 13 item 9): ordinary decisions whose conditions
// walk argument lists, with the step meter and the argument size walk in the path, and the attack the
// bound exists for, a nested `exists` over a 6,000-item list. The baseline is the 5-rule payments call
// of policy.bench.js against a 10-rule bundle, measured in the same interleaved rounds.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { callRequest, compileBundle, evaluate } from '../dist/policy/index.js';
import { fmt, interleave, machine, median, now, quantile, table } from './lib.js';

const ROUNDS = 15;
const ATTACK_ROUNDS = 3;
const shipped = (name) => ({ file: `${name}.yaml`, text: readFileSync(fileURLToPath(new URL(`../policies/${name}/policy.yaml`, import.meta.url)), 'utf8') });

const payments = compileBundle([
  {
    file: 'p.yaml',
    text: `version: toolgate.policy/v1
rules:
  - { id: deny-big, effect: deny, match: { server: payments, tool: transfer }, when: 'args.amount > 100000' }
  - id: hold
    effect: require_approval
    match: { server: payments, tool: [transfer, refund] }
    when: 'args.amount > 1000'
    approval: { approvers: ["group:finance"] }
  - { id: capped, effect: allow_with_constraints, match: { server: payments, tool: transfer }, constraints: { require: 'args.currency in ["EUR", "USD"]' } }
  - { id: eng, effect: allow, match: { server: payments, tool: "tr*" }, principal: { groups: [engineering] } }
  - { id: any, effect: allow, match: { server: "pay*", tool: transfer }, when: 'path.within(args.memo_path, "/srv/memos")' }
${Array.from({ length: 5 }, (_v, i) => `  - { id: filler-${i}, effect: allow, match: { server: svc${i}, tool: op${i} }, when: 'args.n > ${i}' }\n`).join('')}`,
  },
]);
const transfer = callRequest({
  server: 'payments',
  tool: 'transfer',
  args: { amount: 250, currency: 'EUR', to: 'acct-1', memo_path: '/srv/memos/2026/a.txt' },
  principal: { id: 'agent:billing', groups: ['engineering'] },
});

const filesystem = compileBundle([shipped('filesystem-readonly'), shipped('secret-files')], { pathRoot: '/srv/workspace' });
const readMany = (n) =>
  callRequest({
    server: 'fs',
    tool: 'read_multiple_files',
    args: { paths: Array.from({ length: n }, (_v, i) => `docs/chapter-${i}/notes.md`) },
    principal: 'agent:ci',
  });

// Without bounds.list_items the condition is refused at load; the bound lets it load, and the attack meets it.
const ATTACK_POLICY = `version: toolgate.policy/v1
bounds: { list_items: 100 }
rules:
  - { id: allow-fx, effect: allow, match: { server: fx } }
  - id: no-near-duplicates
    effect: deny
    match: { server: fx, tool: echo }
    when: 'has(args.items) && args.items.exists(a, args.items.exists(b, a == b + "!"))'
`;
const attackBundle = compileBundle([{ file: 'attack.yaml', text: ATTACK_POLICY }]);
const attack = callRequest({
  server: 'fx',
  tool: 'echo',
  args: { text: 'x', items: Array.from({ length: 6_000 }, (_v, i) => `item${i}`) },
  principal: 'agent:x',
});

const calls = {
  'payments/transfer, 5 matching rules (baseline)': [payments, transfer, 20_000],
  'fs read_multiple_files, 10 paths (filesystem-readonly + secret-files)': [filesystem, readMany(10), 2_000],
  'fs read_multiple_files, 1,000 paths (filesystem-readonly + secret-files)': [filesystem, readMany(1_000), 20],
};
for (const [name, [bundle, request]] of Object.entries(calls)) {
  const d = evaluate(bundle, request);
  if (d.outcome !== 'permit') throw new Error(`${name}: unexpected decision ${JSON.stringify(d)}`);
}
const scenarios = Object.fromEntries(
  Object.entries(calls).map(([name, [bundle, request, count]]) => [
    name,
    () => {
      const start = now();
      for (let i = 0; i < count; i++) evaluate(bundle, request);
      return ((now() - start) * 1000) / count; // µs per call
    },
  ]),
);
await interleave(scenarios, 3); // warm-up
const results = await interleave(scenarios, ROUNDS);
const base = median(results['payments/transfer, 5 matching rules (baseline)']);

const attackTimes = [];
let attackReason = '';
for (let i = 0; i < ATTACK_ROUNDS; i++) {
  const start = now();
  const d = evaluate(attackBundle, attack);
  attackTimes.push(now() - start);
  attackReason = `${d.outcome}: ${d.reason}`;
}

console.log(`## Cost of the evaluation bound

\`npm run bench -- policy-bound\` — \`evaluate(bundle, call)\` with the argument size walk and the step
meter in the path (bounds at their defaults). ${ROUNDS} interleaved rounds.

${table(
  ['call', 'median µs/call', 'p90 µs/call', 'vs baseline'],
  Object.entries(results).map(([name, r]) => [name, fmt(median(r)), fmt(quantile(r, 0.9)), `${fmt(median(r) / base)}x`]),
)}

The attack the bound exists for: a nested \`exists\` over a 6,000-item (30 KB) argument list, one
decision, ${ATTACK_ROUNDS} rounds: median ${fmt(median(attackTimes))} ms, max ${fmt(Math.max(...attackTimes))} ms (${attackReason.slice(0, 160)}).

Load average while measuring: ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} (1/5/15 min) on ${os.cpus().length} cores.

${machine()}
`);
