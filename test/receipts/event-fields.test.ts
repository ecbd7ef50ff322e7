// Each event carries exactly the fields docs/receipts.md gives it: a receipt missing a required
// field, carrying a forbidden one, or stating an effect its event never has is rejected, even when
// its signature is good.
import { describe, expect, it } from 'vitest';
import { canonicalSha256, sealReceipt, verifyReceipt, type CallReceiptBody, type ReceiptBody } from '../../src/receipts/index.js';
import { bodyOf, callDraft, keyring, signer } from './helpers.js';

const sha = (c: string) => c.repeat(64);
const approval = { id: 'apr_1', approvers: ['user:alice'], expires_at: '2026-03-04T06:06:07.089Z' };
const window = { id: 'bg_1', opened_by: 'user:olga', reason: 'outage', expires_at: '2026-03-04T07:06:07.089Z' };

function body(event: string, changes: Record<string, unknown> = {}, policy: Record<string, unknown> = {}): ReceiptBody {
  const base = bodyOf(callDraft('permit')) as CallReceiptBody;
  return { ...base, event, policy: { ...base.policy, ...policy }, ...changes } as ReceiptBody;
}

const verify = (b: ReceiptBody) => verifyReceipt(sealReceipt(b, signer).envelope, keyring);
const rejected = (b: ReceiptBody, why: RegExp) => expect(() => verify(b)).toThrow(why);

const held = { approval, ref: sha('1') };
const shadow = { bundle_sha256: sha('c'), effect: 'permit', rules: ['candidate-rule'] };
const baseCall = (callDraft('permit') as CallReceiptBody).call;
const windowCall = {
  call: { id: 'bg_1', session: 'admin', rpc_id: null, server: '*', tool: '*', tool_sha256: null, args_sha256: canonicalSha256({}) },
  principal: { id: 'user:olga' },
};

describe('receipts that obey their event table verify', () => {
  it.each([
    ['permit', body('permit')],
    ['permit released by an approval', body('permit', { approval })],
    ['permit let through by a window', body('permit', { break_glass: { id: 'bg_1', opened_by: 'user:olga', reason: 'outage' } }, { effect: 'deny' })],
    ['complete', body('complete', { ref: sha('1'), result: { sha256: sha('2'), is_error: false } })],
    ['permit naming the upstream it goes to', body('permit', { call: { ...baseCall, upstream_sha256: sha('4') } })],
    ['unknown naming the upstream it went to', body('unknown', { ref: sha('1'), call: { ...baseCall, upstream_sha256: sha('4') } })],
    ['fail', body('fail', { ref: sha('1') })],
    ['deny', body('deny', {}, { effect: 'deny' })],
    ['silence', body('silence', {}, { effect: 'silence', rules: [] })],
    ['hold', body('hold', { approval }, { effect: 'hold' })],
    ['deny the shadow candidate would permit', body('deny', { shadow }, { effect: 'deny' })],
    ['hold the shadow candidate would silence', body('hold', { approval, shadow: { ...shadow, effect: 'silence', rules: [] } }, { effect: 'hold' })],
    ['approve', body('approve', held, { effect: 'hold' })],
    ['break_glass_open', body('break_glass_open', { ...windowCall, break_glass: window }, { effect: 'break_glass', rules: [] })],
    [
      'pin_approve',
      body(
        'pin_approve',
        { call: { ...windowCall.call, id: 'pin:fs/read_file', server: 'fs', tool: 'read_file', tool_sha256: sha('3') }, principal: { id: 'user:olga' } },
        { effect: 'pin_approve', rules: [] },
      ),
    ],
  ])('%s', (_, b) => {
    expect(verify(b).body.event).toBe(b.event);
  });
});

describe('receipts that break their event table are rejected', () => {
  it('a complete without its result', () => rejected(body('complete', { ref: sha('1') }), /complete.*result.*required/));
  it('a complete without the ref to its permit', () =>
    rejected(body('complete', { result: { sha256: sha('2'), is_error: false } }), /complete.*ref.*required/));
  it('a fail with a result', () =>
    rejected(body('fail', { ref: sha('1'), result: { sha256: sha('2'), is_error: true } }), /fail.*is_error true and error_code required/));
  it('a complete whose result names an error code', () =>
    rejected(body('complete', { ref: sha('1'), result: { sha256: sha('2'), is_error: true, error_code: -32000 } }), /error_code is allowed on a fail only/));
  it('a complete with a shadow (only decisions carry one)', () =>
    rejected(body('complete', { ref: sha('1'), result: { sha256: sha('2'), is_error: false }, shadow }), /complete.*shadow.*not allowed/));
  it('an approve with a shadow (the hold carries it)', () =>
    rejected(body('approve', { ...held, shadow }, { effect: 'hold' }), /approve.*shadow.*not allowed/));
  it('a shadow whose effect is a rule effect, not an outcome', () =>
    rejected(body('deny', { shadow: { ...shadow, effect: 'allow' } }, { effect: 'deny' }), /shadow\.effect/));
  it('a permit with a result', () => rejected(body('permit', { result: { sha256: sha('2'), is_error: false } }), /permit.*result.*not allowed/));
  it('an approve without its approval', () => rejected(body('approve', { ref: sha('1') }, { effect: 'hold' }), /approve.*approval.*required/));
  it('a hold with a ref', () => rejected(body('hold', held, { effect: 'hold' }), /hold.*ref.*not allowed/));
  it('a deny whose effect is "allow"', () => rejected(body('deny', {}, { effect: 'allow' }), /deny.*effect "allow"/));
  it('a permit whose effect is "deny" with no window', () => rejected(body('permit', {}, { effect: 'deny' }), /permit.*effect "deny"/));
  it('a permit with both an approval and a window', () =>
    rejected(body('permit', { approval, break_glass: { id: 'bg_1', opened_by: 'user:olga', reason: 'outage' } }, { effect: 'hold' }), /approval.*break_glass/));
  it('an effective_args_sha256 equal to args_sha256', () =>
    rejected(body('permit', { call: { ...baseCall, effective_args_sha256: sha('a') } }), /effective_args_sha256.*differ/));
  it('a deny naming an upstream (nothing ran)', () =>
    rejected(body('deny', { call: { ...baseCall, upstream_sha256: sha('4') } }, { effect: 'deny' }), /deny.*call\.upstream_sha256 is not allowed/));
  it('a hold naming an upstream', () =>
    rejected(body('hold', { approval, call: { ...baseCall, upstream_sha256: sha('4') } }, { effect: 'hold' }), /upstream_sha256 is not allowed/));
  it('an upstream identity that is not a sha256', () => rejected(body('permit', { call: { ...baseCall, upstream_sha256: 'fs' } }), /upstream_sha256/));
  it('a window opened without its expiry', () =>
    rejected(
      body('break_glass_open', { ...windowCall, break_glass: { ...window, expires_at: undefined } }, { effect: 'break_glass', rules: [] }),
      /expires_at.*required/,
    ));
  it('a window receipt whose call is not the window', () =>
    rejected(
      body('break_glass_close', { ...windowCall, call: { ...windowCall.call, id: 'bg_2' }, break_glass: window }, { effect: 'break_glass', rules: [] }),
      /call\.id/,
    ));
  it('a pin approval that names no pin', () =>
    rejected(
      body(
        'pin_approve',
        { call: { ...windowCall.call, id: 'pin:fs/read_file', server: 'fs', tool: 'read_file' }, principal: { id: 'user:olga' } },
        { effect: 'pin_approve', rules: [] },
      ),
      /tool_sha256/,
    ));
});
