// Every receipt event, written through the real ledger, walked through every reader of events: the
// receipts search, the console's filter and overview, the weekly report, replay sampling and the
// format document. Events come from the vocabulary (src/core/events.ts), so an event added there is
// walked here without touching this file; a new kind of event must say below where it shows up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../src/admin/console/index.js';
import { createAdminServer } from '../../src/admin/index.js';
import { breakGlassDraft } from '../../src/breakglass/index.js';
import { EVENT_KINDS, type EventKind, type ReceiptEvent } from '../../src/core/events.js';
import type { Ledger } from '../../src/ledger/index.js';
import { pinApprovalDraft } from '../../src/pins/index.js';
import { compileBundle, policyChangeOf } from '../../src/policy/index.js';
import { rotateKey } from '../../src/receipts/index.js';
import { sampleDecisions } from '../../src/replay/index.js';
import { buildReview, formatReview, type Review } from '../../src/report/index.js';
import { RECEIPT_EVENTS as CONSOLE_FILTER } from '../../web/src/model.js';
import { directory, log } from '../approvals/fixtures.js';
import { openTestLedger } from '../fixtures/ledger.js';
import { callDraft } from '../governance/helpers.js';

const BUNDLE = 'b'.repeat(64);
const EVENTS = Object.keys(EVENT_KINDS) as ReceiptEvent[];

/** Holds, votes and their ends name an approval; a plain decision does not (a deny naming one refused a release). */
const held = (event: ReceiptEvent) => (event === 'hold' || EVENT_KINDS[event] === 'hold_end' || EVENT_KINDS[event] === 'vote' ? `apr_${event}` : undefined);

type Write = (event: ReceiptEvent, ledger: Ledger, keysDir: string) => Promise<unknown>;
const callEvent: Write = (event, ledger) =>
  ledger.append(callDraft({ event: event as 'permit', call: `c_${event}`, surface: `walk/${event}`, approval: held(event) }));

/** How one receipt of each kind is written: by the producer the product uses for it. */
const WRITE: Record<EventKind, Write> = {
  decision: callEvent,
  vote: callEvent,
  hold_end: callEvent,
  execution: callEvent,
  break_glass: (event, ledger) => {
    const now = new Date();
    const window = {
      id: `bg_${event}`,
      opened_by: 'user:olga',
      reason: `walking ${event}`,
      principal: null,
      server: 'walk',
      tool: event,
      opened_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 60_000).toISOString(),
      closed_at: now.toISOString(),
      closed_by: 'user:olga',
      open_quorum: 2,
      confirmations: [{ by: 'user:rick', at: now.toISOString() }],
      reviews: [{ by: 'user:sam', at: now.toISOString(), note: `reviewed ${event}` }],
    };
    return ledger.append(breakGlassDraft(event as 'break_glass_open', window, BUNDLE));
  },
  pin: (event, ledger) =>
    ledger.append(
      pinApprovalDraft(
        { kind: 'approved', upstream: 'walk', identity: 'i', tool: event, from: null, to: 'a'.repeat(64), reviewer: 'user:olga', at: '' },
        BUNDLE,
      ),
    ),
  key: (_event, ledger, keysDir) => rotateKey(keysDir, ledger),
  policy: (_event, ledger) =>
    ledger.append({
      event: 'policy_change',
      policy_change: policyChangeOf(undefined, compileBundle([{ file: 'policy.yaml', text: 'version: toolgate.policy/v1\nrules: []\n' }])),
    }),
};

/** Where each kind must show up in the overview, the report and replay. */
const SHOWS_IN: Record<EventKind, { overview: boolean; report: 'decisions' | 'hold_outcomes' | 'break_glass' | null; replay: boolean }> = {
  decision: { overview: true, report: 'decisions', replay: true },
  vote: { overview: false, report: null, replay: false },
  hold_end: { overview: true, report: 'hold_outcomes', replay: false },
  execution: { overview: false, report: null, replay: false },
  break_glass: { overview: false, report: 'break_glass', replay: false },
  pin: { overview: false, report: null, replay: false },
  key: { overview: false, report: null, replay: false },
  policy: { overview: false, report: null, replay: false },
};

let ledgerDir: string;
let api: (path: string) => Promise<Response>;
let review: Review;
let replayed: Set<string>;
const closing: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const since = new Date(Date.now() - 60_000);
  const { ledger, dir } = await openTestLedger();
  closing.push(() => ledger.close());
  for (const event of EVENTS) await WRITE[EVENT_KINDS[event]](event, ledger, join(dir, 'keys'));
  ledgerDir = join(dir, 'ledger');
  const admin = createAdminServer({
    admin: { host: '127.0.0.1', port: 0, allowed_hosts: [] },
    reviewers: directory,
    log,
    routes: consoleRoutes({ ledgerDir, keysDir: join(dir, 'keys') }),
  });
  const url = await admin.listen();
  closing.push(() => admin.close());
  api = (path) => fetch(`${url}${path}`, { headers: { authorization: 'Bearer alice-token' } });
  const until = new Date(Date.now() + 60_000);
  review = await buildReview(ledgerDir, since, until);
  const sample = await sampleDecisions({ ledgerDir, sinceMs: since.getTime(), untilMs: until.getTime(), size: 100, seed: 1, hasEvidence: () => true });
  replayed = new Set(sample.receipts.map((r) => r.event));
});
afterAll(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

describe.each(EVENTS)('a %s receipt', (event) => {
  const shows = SHOWS_IN[EVENT_KINDS[event]];

  it('is found by a receipts search for its event, which the console filter offers', async () => {
    expect(CONSOLE_FILTER).toContain(event);
    const res = await api(`/api/receipts?event=${event}`);
    expect(res.status).toBe(200);
    const found = (await res.json()) as { receipts: Array<{ event: string }>; total: number };
    expect(found.receipts.map((r) => r.event)).toEqual([event]);
  });

  it(`is ${shows.overview ? '' : 'not '}counted in the console overview`, async () => {
    const overview = (await (await api('/api/overview?period=24h')).json()) as { outcomes: string[]; surfaces: Array<{ totals: Record<string, number> }> };
    expect(overview.outcomes.includes(event)).toBe(shows.overview);
    expect(overview.surfaces.reduce((n, s) => n + (s.totals[event] ?? 0), 0)).toBe(shows.overview ? 1 : 0);
  });

  it(`is ${shows.report ? `in the report's ${shows.report}` : 'left out of the report'}`, () => {
    const surface = review.surfaces.find((s) => s.surface === `walk/${event}`);
    const windows = review.break_glass.filter((w) => w.id === `bg_${event}`);
    const count = (group: Record<string, { count: number }> | undefined) => group?.[event]?.count ?? 0;
    expect(count(surface?.decisions)).toBe(shows.report === 'decisions' ? 1 : 0);
    expect(count(surface?.hold_outcomes)).toBe(shows.report === 'hold_outcomes' ? 1 : 0);
    expect(windows.length).toBe(shows.report === 'break_glass' ? 1 : 0);
    const columns = formatReview(review, 'text')
      .split('\n')
      .find((line) => line.startsWith('surface'))
      ?.split(/\s+/);
    expect(columns?.includes(event)).toBe(shows.report === 'decisions' || shows.report === 'hold_outcomes');
  });

  it(`is ${shows.replay ? '' : 'not '}sampled for replay`, () => {
    expect(replayed.has(event)).toBe(shows.replay);
  });

  it('is named in the receipt format (docs/receipts.md)', () => {
    expect(readFileSync(new URL('../../docs/receipts.md', import.meta.url), 'utf8')).toContain(`\`${event}\``);
  });
});
