// Policy decision time per call with 10, 1,000 and 10,000 rules, for a call that matches a handful
// of rules (targets: median < 5 µs at 1,000 and < 20 µs at 10,000), and the reload of a 10,000-rule
// bundle from disk while calls keep being decided (target < 1 s). The baseline is the same call
// against the 10-rule bundle, measured in the same interleaved rounds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../dist/log.js';
import { callRequest, compileBundle, evaluate, PolicyEngine } from '../dist/policy/index.js';
import { fmt, interleave, loadAverage, machine, median, now, quantile, table } from './lib.js';

const SIZES = [10, 1_000, 10_000];
const CALLS_PER_ROUND = 20_000;
const ROUNDS = 15;

/** Five rules match payments/transfer; the rest spread over other upstreams, tools and globs. */
function policyText(size) {
  const hot = `  - id: hot-deny-big
    effect: deny
    match: { server: payments, tool: transfer }
    when: 'args.amount > 100000'
  - id: hot-hold
    effect: require_approval
    match: { server: payments, tool: [transfer, refund] }
    when: 'args.amount > 1000'
    approval: { approvers: ["group:finance"] }
  - id: hot-capped
    effect: allow_with_constraints
    match: { server: payments, tool: transfer }
    constraints: { require: 'args.currency in ["EUR", "USD"]' }
    limits: [ { per: principal, rate: 60/1m } ]
  - id: hot-eng
    effect: allow
    match: { server: payments, tool: "tr*" }
    principal: { groups: [engineering] }
  - id: hot-any
    effect: allow
    match: { server: "pay*", tool: transfer }
    when: 'path.within(args.memo_path, "/srv/memos")'
`;
  const filler = [];
  for (let i = 0; i < size - 5; i++) {
    const server = i % 10 === 0 ? `"svc${i % 97}-*"` : `svc${i % 97}`;
    const tool = i % 7 === 0 ? `"op${i}_*"` : `op${i}`;
    const effect = i % 3 === 0 ? 'deny' : 'allow';
    filler.push(`  - id: filler-${i}\n    effect: ${effect}\n    match: { server: ${server}, tool: ${tool} }\n    when: 'args.n > ${i}'\n`);
  }
  return `version: toolgate.policy/v1\nrules:\n${hot}${filler.join('')}`;
}

const request = callRequest({
  server: 'payments',
  tool: 'transfer',
  args: { amount: 250, currency: 'EUR', to: 'acct-1', memo_path: '/srv/memos/2026/a.txt' },
  principal: { id: 'agent:billing', groups: ['engineering'] },
});

const bundles = Object.fromEntries(SIZES.map((n) => [n, compileBundle([{ file: `p${n}.yaml`, text: policyText(n) }])]));
for (const n of SIZES) {
  const d = evaluate(bundles[n], request);
  if (d.outcome !== 'permit' || d.rules.length !== 3) throw new Error(`unexpected decision at ${n} rules: ${JSON.stringify(d)}`);
}

const scenarios = Object.fromEntries(
  SIZES.map((n) => [
    n,
    () => {
      const bundle = bundles[n];
      const start = now();
      for (let i = 0; i < CALLS_PER_ROUND; i++) evaluate(bundle, request);
      return ((now() - start) * 1000) / CALLS_PER_ROUND; // µs per call
    },
  ]),
);
await interleave(scenarios, 3); // warm-up
const results = await interleave(scenarios, ROUNDS);
const base = median(results[10]);

/** Splits the policy text into `parts` files (the first keeps the hot rules). */
function policyFiles(size, parts) {
  const [head, ...rules] = policyText(size).split(/\n(?= {2}- id: )/);
  const per = Math.ceil(rules.length / parts);
  return Array.from({ length: parts }, (_, i) => `${head}\n${rules.slice(i * per, (i + 1) * per).join('\n')}\n`);
}

/** Writes the 10,000 rules as `parts` files into a new directory; returns it and the texts. */
function policyDir(parts) {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-policy-'));
  const texts = policyFiles(10_000, parts);
  texts.forEach((t, i) => writeFileSync(join(dir, `p${String(i).padStart(2, '0')}.yaml`), t));
  return { dir, texts };
}

/**
 * A reload scenario over a 10,000-rule bundle: each round rewrites the first of `parts` files (with
 * `newConditions`, every condition in it becomes one never compiled before, so no compiled program
 * can be reused) and reloads while a loop keeps deciding calls. A round reports the reload time and
 * the longest pause between decisions during it.
 */
async function reloadScenario(parts, newConditions = false) {
  const { dir, texts } = policyDir(parts);
  const engine = await PolicyEngine.open({ files: [join(dir, '*.yaml')], log: createLogger({ level: 'silent' }) });
  if (engine.current.rules.length !== 10_000) throw new Error(`expected 10,000 rules, got ${engine.current.rules.length}`);
  const run = async (round) => {
    const text = newConditions ? texts[0].replaceAll("'args.n > ", `'args.n + ${round + 1} > `) : texts[0];
    writeFileSync(join(dir, 'p00.yaml'), `${text}# round ${round}\n`);
    let running = true;
    let decided = 0;
    let last = now();
    let longest = 0;
    const loop = () => {
      const t = now();
      longest = Math.max(longest, t - last);
      last = t;
      for (let i = 0; i < 50; i++) engine.decide(request);
      decided += 50;
      if (running) setImmediate(loop);
    };
    setImmediate(loop);
    const start = now();
    const swapped = await engine.reload();
    const time = now() - start;
    running = false;
    await new Promise((r) => setImmediate(r));
    if (!swapped || decided === 0) throw new Error('reload did not swap, or no call was decided during it');
    return { time, pause: longest };
  };
  return { run, close: () => engine.close() };
}

/** The cold case: loading the bundle in a new process (parser thread starting, nothing reused or optimized yet). */
function coldLoad(dir) {
  const script = `import { PolicyEngine } from ${JSON.stringify(new URL('../dist/policy/index.js', import.meta.url).href)};
import { createLogger } from ${JSON.stringify(new URL('../dist/log.js', import.meta.url).href)};
const start = performance.now();
const engine = await PolicyEngine.open({ files: [${JSON.stringify(join(dir, '*.yaml'))}], log: createLogger({ level: 'silent' }) });
console.log(performance.now() - start);
engine.close();`;
  const file = join(dir, 'cold-load.mjs');
  writeFileSync(file, script);
  return { time: Number(execFileSync(process.execPath, [file], { encoding: 'utf8' })), pause: NaN };
}

const RELOAD_ROUNDS = 5;
const reloadScenarios = {
  '1 file of 10,000 rules, rewritten': await reloadScenario(1),
  '1 file of 10,000 rules, every condition new': await reloadScenario(1, true),
  '20 files of 500 rules, one rewritten': await reloadScenario(20),
};
const coldDir = policyDir(1).dir;
const reloads = await interleave(
  {
    ...Object.fromEntries(Object.entries(reloadScenarios).map(([name, s]) => [name, s.run])),
    '1 file of 10,000 rules, first load in a new process': () => coldLoad(coldDir),
  },
  RELOAD_ROUNDS,
);
for (const s of Object.values(reloadScenarios)) s.close();

const rows = SIZES.map((n) => [
  `${n.toLocaleString('en-US')} rules`,
  fmt(median(results[n])),
  fmt(quantile(results[n], 0.9)),
  `${fmt(median(results[n]) / base)}x`,
]);
console.log(`## Policy decision time

\`npm run bench -- policy\` — \`evaluate(bundle, call)\` for payments/transfer, which matches 5 rules (a
deny, an approval and an allow whose conditions are false or true, a constrained allow with a rate
limit, a principal-scoped glob); the other rules are spread over 97 other upstreams with exact and glob
tool names. ${CALLS_PER_ROUND.toLocaleString('en-US')} calls per round, ${ROUNDS} interleaved rounds. Baseline: the same call with 10 rules.

${table(['bundle', 'median µs/call', 'p90 µs/call', 'vs 10 rules'], rows)}

Reload of a 10,000-rule bundle from disk while a loop keeps deciding calls (read; parse YAML and
schema in a worker thread for changed files only, with the fast reader and the line-aware parser
only for a file that fails; compile CEL in slices that yield to the event loop, reusing the program
of any condition compiled before; index; swap with one reference assignment). ${RELOAD_ROUNDS} interleaved
rounds. The parser thread stays up between reloads; the last row is the cold case for comparison, a
first load in a new process (no calls to pause there):

${table(
  ['reload', 'median ms', 'max ms', 'longest pause between decisions, median ms'],
  Object.entries(reloads).map(([name, rounds]) => {
    const times = rounds.map((r) => r.time);
    return [name, fmt(median(times)), fmt(Math.max(...times)), fmt(median(rounds.map((r) => r.pause)))];
  }),
)}

${loadAverage()}

${machine()}
`);
