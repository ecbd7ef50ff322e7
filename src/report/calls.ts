// Each call counted once: in the period of its first decision receipt, with that decision and, as
// of the end of the period, its final outcome. The receipts that follow a hold (its end, the permit
// or deny that releases an approved call, the fresh decision after a void) belong to the same call,
// linked by approval id and, after a void, by what the approvals service links a retry by: the
// principal, the surface and the arguments' hash. Only held calls keep state while the ledger is
// read; every other call is counted as its receipt goes by.
import { HOLD_ENDS, OUTCOMES, type HoldEnd, type Outcome } from '../core/index.js';
import type { ScannedReceipt } from './scan.js';

/** How a held call's hold stands: ended in one of the hold ends, or still pending. */
export type HoldState = HoldEnd | 'pending';
export const HOLD_STATES: HoldState[] = [...HOLD_ENDS, 'pending'];

/** Where a call stands at the end of the period: its last decision, or how its hold ended (`hold`: still held). */
export type Final = Outcome | HoldEnd;
export const FINALS: Final[] = [...OUTCOMES, ...HOLD_ENDS];

export interface CallCounts {
  calls: number;
  decisions: Record<Outcome, number>;
  /** One per held call; they add up to decisions.hold. */
  holdOutcomes: Record<HoldState, number>;
  /** One per call; they add up to calls. */
  final: Record<Final, number>;
  breakGlass: number;
}

const zeroes = <E extends string>(names: E[]) => Object.fromEntries(names.map((n) => [n, 0])) as Record<E, number>;

export function emptyCounts(): CallCounts {
  return { calls: 0, decisions: zeroes(OUTCOMES), holdOutcomes: zeroes(HOLD_STATES), final: zeroes(FINALS), breakGlass: 0 };
}

export type CallReceipt = ScannedReceipt & { call: NonNullable<ScannedReceipt['call']> };

/** A new call: the counts it goes into (none when it is outside both periods). */
export type PlaceCall = (r: CallReceipt, decision: Outcome) => CallCounts[];

interface HeldCall {
  counts: CallCounts[];
  heldAtMs: number | undefined;
  end: HoldEnd | undefined;
  final: Final;
  approval: string | undefined;
  /** Set once voided: the fresh decision is the next one of the same request (retryKey). */
  voidedCall: string | undefined;
  settled: boolean;
}

/** The same request made again (the approvals service's retry key): its principal, surface, subject and arguments. */
const retryKey = (r: CallReceipt) => JSON.stringify([r.principal?.id, r.call.server, r.call.tool, r.call.method, r.call.uri, r.call.args_sha256]);

export class CallTally {
  private readonly byApproval = new Map<string, HeldCall>();
  private readonly voided = new Map<string, HeldCall>();

  constructor(private readonly place: PlaceCall) {}

  /** A decision receipt: a new call, or the next decision of a held one. */
  decision(r: CallReceipt, event: Outcome): void {
    const held = (r.approval && this.byApproval.get(r.approval.id)) || (this.voided.size ? this.voided.get(retryKey(r)) : undefined);
    if (held) {
      this.decidedAgain(held, r, event);
      return;
    }
    const counts = this.newCall(r, event);
    if (event === 'hold' && r.approval)
      this.hold({ counts, heldAtMs: r.tsMs, end: undefined, final: 'hold', approval: undefined, voidedCall: undefined, settled: false }, r.approval.id);
    else for (const c of counts) c.final[event]++;
  }

  /** The end of a hold; returns when the call was held (undefined when its hold is not in the ledger). */
  holdEnd(r: CallReceipt, event: HoldEnd): number | undefined {
    const id = r.approval?.id;
    if (!id) return undefined;
    // A hold from before the ledger: the call counts from its first receipt here.
    const held = this.byApproval.get(id) ?? this.orphan(r);
    const heldAtMs = held.heldAtMs;
    held.end = event;
    held.final = event;
    if (event === 'approve')
      this.hold(held, id); // its release follows
    else if (event === 'void') {
      this.byApproval.delete(id);
      held.approval = undefined;
      held.voidedCall = retryKey(r);
      this.voided.set(held.voidedCall, held);
    } else this.settle(held);
    return heldAtMs;
  }

  /** Counts the calls still held (or approved, or voided, awaiting their next decision) as they stand. */
  finish(): void {
    for (const held of [...this.byApproval.values(), ...this.voided.values()]) this.settle(held);
  }

  private decidedAgain(held: HeldCall, r: CallReceipt, event: Outcome): void {
    if (event !== 'hold') {
      held.final = event;
      this.settle(held);
      return;
    }
    // Held afresh after a void (or the hold receipt seen again): the call waits once more.
    held.end = undefined;
    held.final = 'hold';
    held.heldAtMs = r.tsMs;
    if (held.voidedCall !== undefined) this.voided.delete(held.voidedCall);
    held.voidedCall = undefined;
    if (r.approval) this.hold(held, r.approval.id);
  }

  private newCall(r: CallReceipt, decision: Outcome): CallCounts[] {
    const counts = this.place(r, decision);
    for (const c of counts) {
      c.calls++;
      c.decisions[decision]++;
      if (r.break_glass) c.breakGlass++;
    }
    return counts;
  }

  private orphan(r: CallReceipt): HeldCall {
    return { counts: this.newCall(r, 'hold'), heldAtMs: undefined, end: undefined, final: 'hold', approval: undefined, voidedCall: undefined, settled: false };
  }

  private hold(held: HeldCall, approval: string): void {
    held.approval = approval;
    this.byApproval.set(approval, held);
  }

  private settle(held: HeldCall): void {
    if (held.approval !== undefined) this.byApproval.delete(held.approval);
    if (held.voidedCall !== undefined) this.voided.delete(held.voidedCall);
    if (held.settled) return;
    held.settled = true;
    for (const c of held.counts) {
      c.holdOutcomes[held.end ?? 'pending']++;
      c.final[held.final]++;
    }
  }
}
