// The cost of the release-time re-decision (issue 13 item 3): when an approved call is released the
// gate decides it again under the policy in force and checks it against what the approval was bound
// to (whyVoid). Measured per release on the shipped payments bundle, against its baseline: the
// first decision of the same call alone, in the same interleaved rounds.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Approvals, whyVoid } from '../dist/approvals/index.js';
import { createLogger } from '../dist/log.js';
import { callRequest, compileBundle, evaluate } from '../dist/policy/index.js';
import { openLowdbStore } from '../dist/store/index.js';
import { fmt, interleave, machine, median, now, table } from './lib.js';

const CALLS_PER_ROUND = 20_000;
const ROUNDS = 15;

const text = readFileSync(new URL('../policies/payments/policy.yaml', import.meta.url), 'utf8');
const bundle = compileBundle([{ file: 'policy.yaml', text }]);
const request = callRequest({ server: 'payments', tool: 'transfer', principal: 'agent:billing', args: { amount: 2500, currency: 'EUR', to: 'acct-1' } });
const held = evaluate(bundle, request);
if (held.outcome !== 'hold') throw new Error(`expected a hold, got ${held.outcome}`);
const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'toolgate-bench-')), 'state.json'));
const { approval } = await new Approvals({ store, log: createLogger({ level: 'silent' }) }).openOrAttach(request, held);

let sink = 0;
const perCallUs = (run) => () => {
  const started = now();
  for (let i = 0; i < CALLS_PER_ROUND; i++) sink += run() ? 1 : 0;
  return ((now() - started) * 1000) / CALLS_PER_ROUND;
};
const results = await interleave(
  {
    'first decision (baseline)': perCallUs(() => evaluate(bundle, request)),
    're-decision + binding check at release': perCallUs(() => whyVoid(approval, request, evaluate(bundle, request)) === undefined),
  },
  ROUNDS,
);
await store.close();
const base = median(results['first decision (baseline)']);
console.log(machine());
console.log(
  table(
    ['scenario', 'median µs per call', 'added by the check'],
    Object.entries(results).map(([name, us]) => [name, fmt(median(us)), fmt(median(us) - base)]),
  ),
);
if (sink < 0) console.log(sink);
