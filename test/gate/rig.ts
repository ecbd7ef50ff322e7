// A Gate with small real parts behind its seams: a real ledger that signs (with a switch that makes
// chosen receipt events fail, as a full disk would), a real approvals service on a real store in a
// temp dir, a real policy bundle compiled from YAML text (swappable, as hot reload swaps it), the
// real store as limit counter, and a dispatch function standing in for the upstream.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { pino } from 'pino';
import { Approvals, type Reviewer } from '../../src/approvals/index.js';
import type { CallRequest } from '../../src/core/index.js';
import { approvalRecorder, Gate, RECEIPT_META_KEY, type GateOptions, type ReceiptSink, type ToolCall } from '../../src/gate/index.js';
import { toolResult } from '../../src/gateway/answer.js';
import { readReceipts } from '../../src/ledger/index.js';
import { callRequest, compileBundle, decider, type PolicyBundle } from '../../src/policy/index.js';
import { openPayload, type Envelope, type ReceiptDraft } from '../../src/receipts/index.js';
import { openLowdbStore, type Store } from '../../src/store/index.js';
import { openTestLedger } from '../fixtures/ledger.js';

export const policyText = (rules: string) => `version: toolgate.policy/v1\nrules:\n${rules}`;

/** alice and bob are DBAs, carol and dave are in security. */
export const reviewer = (name: string): Reviewer => ({ id: `user:${name}`, groups: ['alice', 'bob'].includes(name) ? ['dba'] : ['security'], rights: [] });

export interface Rig {
  gate: Gate;
  approvals: Approvals;
  store: Store;
  /** Swap the policy in force (as a hot reload does). */
  reload(rules: string): PolicyBundle;
  /** Make receipts of these events fail to be written from now on (none: all succeed again). */
  failReceipts(...events: string[]): void;
  /** The upstream stand-in: what it was called with, and what it does next. */
  upstream: { calls: Record<string, unknown>[]; answer: (args: Record<string, unknown>) => Promise<CallToolResult> };
  /** Every line the gate logged, parsed. */
  logged: Array<Record<string, unknown>>;
  events(): Promise<string[]>;
  /** Every receipt body in the ledger, in order. */
  bodies(): Promise<Array<Record<string, unknown>>>;
  call(tool: string, args?: Record<string, unknown>, more?: Partial<ToolCall> & { principal?: string; server?: string }): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function gateRig(rules: string, options: Partial<GateOptions> = {}): Promise<Rig> {
  const { ledger, dir } = await openTestLedger();
  const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'toolgate-gate-')), 'state.json'));
  const logged: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        logged.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  let failing = new Set<string>();
  const receipts: ReceiptSink = {
    append: (draft: ReceiptDraft) =>
      failing.has(draft.event) ? Promise.reject(new Error(`ENOSPC: no space left on device, write (${draft.event})`)) : ledger.append(draft),
  };
  const approvals = new Approvals({ store, log, record: approvalRecorder(receipts), heartbeatMs: 50 });
  let bundle = compileBundle([{ file: 'policy.yaml', text: policyText(rules) }]);
  const upstream: Rig['upstream'] = {
    calls: [],
    answer: async (args) => ({ content: [{ type: 'text', text: JSON.stringify(args) }] }),
  };
  const gate = new Gate({ decider: () => decider(bundle), receipts, approvals, limits: store, log, ...options });
  let n = 0;
  const bodies = async () => {
    const out: Array<Record<string, unknown>> = [];
    for await (const r of readReceipts(join(dir, 'ledger'))) out.push(r.body as Record<string, unknown>);
    return out;
  };
  return {
    gate,
    approvals,
    store,
    upstream,
    logged,
    reload(next) {
      bundle = compileBundle([{ file: 'policy.yaml', text: policyText(next) }]);
      return bundle;
    },
    failReceipts(...events) {
      failing = new Set(events);
    },
    async events() {
      return (await bodies()).map((b) => b.event as string);
    },
    bodies,
    async call(tool, args = {}, { principal = 'agent:ci', server = 'db', ...more } = {}) {
      const request: CallRequest = { ...callRequest({ server, tool, args, principal }, `call_${++n}`), now: new Date() };
      // The gate's answer as the gateway shapes it for a tools/call.
      return toolResult(
        await gate.handle({
          request,
          signal: new AbortController().signal,
          dispatch: (effective) => {
            upstream.calls.push(effective);
            return upstream.answer(effective);
          },
          ...more,
        }),
      );
    },
    async close() {
      await ledger.close();
      await store.close();
    },
  };
}

export const textOf = (result: CallToolResult) => (result.content[0] as { text: string }).text;

/** The receipt body the gate put in the answer's `_meta`. */
export function receiptOf(result: CallToolResult): { event: string; policy: { rules: string[]; effect: string; reason: string }; approval?: { id: string } } {
  const envelope = result._meta?.[RECEIPT_META_KEY];
  if (!envelope) throw new Error('the answer carries no receipt');
  return openPayload(envelope as Envelope).body as never;
}

export const errorIdOf = (result: CallToolResult) => result._meta?.['dev.toolgate/error_id'] as string | undefined;

/** The first pending approval, once there is one. */
export async function heldApproval(approvals: Approvals): Promise<{ id: string }> {
  for (let i = 0; i < 200; i++) {
    const [pending] = await approvals.list('pending');
    if (pending) return pending;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no call was held');
}
