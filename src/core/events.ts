// The receipt events and the gate's outcomes, written once. Every list of events derives from the
// table below: the receipt schema (receipts/body.ts), the receipts search, the report, replay
// sampling, the console's overview and filter. The console's browser bundle imports this file, so
// it imports nothing (no node modules, no zod).

/**
 * Every receipt event and the kind of step it records. Adding an event of a known kind is one line
 * here (a new decision or hold end also wants its label and colour in web/src/chart.ts, whose type
 * demands them, and its name in docs/receipts.md, which a test checks). A new kind must also be placed in test/core/every-event-reaches-every-consumer.test.ts (its
 * types say so); a kind with a body of its own (not a call) also goes in OWN_BODY below, with its
 * schema in receipts/body.ts.
 *   decision     the gate's decision on a call; the event is the decision's outcome
 *   vote         a reviewer's decision on a held call (every one, whether or not it ends the hold)
 *   hold_end     what became of a held call
 *   execution    what the upstream did with a permitted call: complete (it answered with a result),
 *                fail (it answered with an error), unknown (sent, never answered: it may have run)
 *   break_glass  the life of an emergency window
 *   pin          a reviewer approved a tool definition
 *   key          a signing-key hand-over (no call: a body of its own)
 *   policy       a policy bundle took effect (no call: a body of its own)
 */
export const EVENT_KINDS = {
  permit: 'decision',
  deny: 'decision',
  silence: 'decision',
  hold: 'decision',
  vote: 'vote',
  approve: 'hold_end',
  reject: 'hold_end',
  expire: 'hold_end',
  cancel: 'hold_end',
  void: 'hold_end',
  complete: 'execution',
  fail: 'execution',
  unknown: 'execution',
  break_glass_open: 'break_glass',
  break_glass_confirm: 'break_glass',
  break_glass_review: 'break_glass',
  break_glass_close: 'break_glass',
  pin_approve: 'pin',
  rotate: 'key',
  policy_change: 'policy',
} as const;

export type ReceiptEvent = keyof typeof EVENT_KINDS;
export type EventKind = (typeof EVENT_KINDS)[ReceiptEvent];
type OfKind<K extends EventKind> = { [E in ReceiptEvent]: (typeof EVENT_KINDS)[E] extends K ? E : never }[ReceiptEvent];

/** Every event, in the table's order (the order the console offers them in). */
export const RECEIPT_EVENTS = Object.keys(EVENT_KINDS) as ReceiptEvent[];

function ofKind<K extends EventKind>(...kinds: K[]): OfKind<K>[] {
  return RECEIPT_EVENTS.filter((e) => (kinds as EventKind[]).includes(EVENT_KINDS[e])) as OfKind<K>[];
}

/** What the gate does with a call. A decision's receipt carries its outcome as the event. */
export type Outcome = OfKind<'decision'>;
export const OUTCOMES = ofKind('decision');

/** The outcomes that refuse a call outright (a HOLD may still run). */
export const REFUSALS = ['deny', 'silence'] as const satisfies readonly Outcome[];

/** The steps in the life of a break-glass window: open, confirm (a second reviewer), review, close. */
export type BreakGlassEvent = OfKind<'break_glass'>;

export const BREAK_GLASS_EVENTS = ofKind('break_glass');

/** What became of a held call. */
export type HoldEnd = OfKind<'hold_end'>;
export const HOLD_ENDS = ofKind('hold_end');

/** What became of a permitted call once it was sent upstream. */
export type Execution = OfKind<'execution'>;

/** Decisions and the ends of holds: what reviews count (execution is not a decision). */
export type Verdict = Outcome | HoldEnd;
export const VERDICTS = ofKind('decision', 'hold_end');

/** Kinds whose receipts have a body of their own (receipts/body.ts); every other event describes one call. */
const OWN_BODY = ['key', 'policy'] as const satisfies readonly EventKind[];
export type CallEvent = Exclude<ReceiptEvent, OfKind<(typeof OWN_BODY)[number]>>;
export const CALL_EVENTS = RECEIPT_EVENTS.filter((e) => !(OWN_BODY as readonly EventKind[]).includes(EVENT_KINDS[e])) as CallEvent[];
