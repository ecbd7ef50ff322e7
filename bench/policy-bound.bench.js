// What bounding the cost of a decision costs (issue 13 item 9): ordinary decisions whose conditions
// walk argument lists, with the argument size walk and the step meter in the path, and the attack the
// bound exists for, a nested `exists` over a 6,000-item list. Baseline: the 5-rule payments call.
// With TOOLGATE_BENCH_BASELINE=DIR (a built checkout of another commit, e.g. from before the bound),
// every call also runs against that checkout's policy engine in the same interleaved rounds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, interleave, loadAverage, machine, median, now, quantile, table } from './lib.js';

const ROUNDS = 15;
const ATTACK_ROUNDS = 3;
const BASELINE = process.env.TOOLGATE_BENCH_BASELINE;
const here = fileURLToPath(new URL('..', import.meta.url));
const engines = { here: { root: here, ...(await import('../dist/policy/index.js')) } };
if (BASELINE) engines.baseline = { root: BASELINE, ...(await import(pathToFileURL(join(BASELINE, 'dist/policy/index.js')).href)) };

/** A shipped bundle as that checkout ships it (a baseline's engine may not read today's keys). */
const shipped = (root, name) => ({ file: `${name}.yaml`, text: readFileSync(join(root, 'policies', name, 'policy.yaml'), 'utf8') });
const PAYMENTS = `version: toolgate.policy/v1
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
`;
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

/** The bundles and calls, built by one checkout's engine (one from before bounds refuses the key). */
function setup({ root, callRequest, compileBundle }) {
  const attackBundle = (() => {
    try {
      return compileBundle([{ file: 'attack.yaml', text: ATTACK_POLICY }]);
    } catch {
      return compileBundle([{ file: 'attack.yaml', text: ATTACK_POLICY.replace(/^bounds:.*\n/m, '') }]);
    }
  })();
  const filesystem = compileBundle([shipped(root, 'filesystem-readonly'), shipped(root, 'secret-files')], { pathRoot: '/srv/workspace' });
  const readMany = (n) =>
    callRequest({
      server: 'fs',
      tool: 'read_multiple_files',
      args: { paths: Array.from({ length: n }, (_v, i) => `docs/chapter-${i}/notes.md`) },
      principal: 'agent:ci',
    });
  const transfer = callRequest({
    server: 'payments',
    tool: 'transfer',
    args: { amount: 250, currency: 'EUR', to: 'acct-1', memo_path: '/srv/memos/2026/a.txt' },
    principal: { id: 'agent:billing', groups: ['engineering'] },
  });
  return {
    calls: {
      'payments/transfer, 5 matching rules': [compileBundle([{ file: 'p.yaml', text: PAYMENTS }]), transfer, 20_000],
      'fs read_multiple_files, 10 paths (filesystem-readonly + secret-files)': [filesystem, readMany(10), 2_000],
      'fs read_multiple_files, 1,000 paths (filesystem-readonly + secret-files)': [filesystem, readMany(1_000), 20],
    },
    attack: [
      attackBundle,
      callRequest({ server: 'fx', tool: 'echo', args: { text: 'x', items: Array.from({ length: 6_000 }, (_v, i) => `item${i}`) }, principal: 'agent:x' }),
    ],
  };
}

const built = Object.fromEntries(Object.entries(engines).map(([which, engine]) => [which, { engine, ...setup(engine) }]));
const scenarios = {};
for (const [which, { engine, calls }] of Object.entries(built)) {
  for (const [name, [bundle, request, count]] of Object.entries(calls)) {
    const d = engine.evaluate(bundle, request);
    if (d.outcome !== 'permit') throw new Error(`${name} (${which}): unexpected decision ${JSON.stringify(d)}`);
    scenarios[`${which}\u0000${name}`] = () => {
      const start = now();
      for (let i = 0; i < count; i++) engine.evaluate(bundle, request);
      return ((now() - start) * 1000) / count; // µs per call
    };
  }
}
await interleave(scenarios, 3); // warm-up
const results = await interleave(scenarios, ROUNDS);

/** One decision of the attack per round (the baseline's may take many seconds: one round). */
function attackRounds(which, rounds) {
  const { engine, attack } = built[which];
  const times = [];
  let decision;
  for (let i = 0; i < rounds; i++) {
    const start = now();
    decision = engine.evaluate(...attack);
    times.push(now() - start);
  }
  return [which, fmt(median(times)), fmt(Math.max(...times)), `${decision.outcome}: ${decision.reason}`.slice(0, 150)];
}

const names = Object.keys(built.here.calls);
const rows = names.map((name) => {
  const here = results[`here\u0000${name}`];
  const row = [name, fmt(median(here)), fmt(quantile(here, 0.9))];
  if (!BASELINE) return row;
  const before = results[`baseline\u0000${name}`];
  return [...row, fmt(median(before)), `${fmt(median(here) / median(before))}x`];
});
const header = ['call', 'median µs/call', 'p90 µs/call', ...(BASELINE ? ['baseline median µs/call', 'vs baseline'] : [])];

console.log(`## Cost of the evaluation bound

\`npm run bench -- policy-bound\` — \`evaluate(bundle, call)\` with the argument size walk and the step
meter in the path (bounds at their defaults). ${ROUNDS} interleaved rounds.${BASELINE ? ' Baseline: the policy engine of the checkout in TOOLGATE_BENCH_BASELINE, in the same rounds.' : ''}

${table(header, rows)}

The attack the bound exists for: a nested \`exists\` over a 6,000-item (30 KB) argument list, one
decision per round (${ATTACK_ROUNDS} rounds here${BASELINE ? ', 1 for the baseline' : ''}):

${table(['engine', 'median ms', 'max ms', 'decision'], [attackRounds('here', ATTACK_ROUNDS), ...(BASELINE ? [attackRounds('baseline', 1)] : [])])}

${loadAverage()}

${machine()}
`);
