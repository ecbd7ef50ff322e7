// A receipt body's fields as label/value rows (untrusted: every value is shown as text).
import { fields, h, statusBadge } from '../dom.js';
import { when } from '../time.js';

type Body = Record<string, unknown>;

const obj = (v: unknown): Body => (v && typeof v === 'object' ? (v as Body) : {});
const str = (v: unknown): string => (v === undefined || v === null ? '—' : Array.isArray(v) ? v.join(', ') || '—' : String(v));
const code = (v: unknown) => h('code', {}, str(v));

export function receiptFields(body: Body): HTMLDListElement {
  const call = obj(body.call);
  const policy = obj(body.policy);
  const approval = body.approval ? obj(body.approval) : null;
  const result = body.result ? obj(body.result) : null;
  const rows: Array<[string, Node | string]> = [
    ['Event', statusBadge(str(body.event))],
    ['Time', `${when(str(body.ts))} (${str(body.ts)})`],
    ['Issuer', `${str(obj(body.issuer).id)} · ${str(obj(body.issuer).key_id)}`],
    ['Chain', `${str(obj(body.chain).id)} #${str(obj(body.chain).seq)}`],
    ['Previous leaf', code(obj(body.chain).prev)],
  ];
  if (body.call) {
    rows.push(
      ['Call id', h('a', { href: `#/receipts?call_id=${encodeURIComponent(str(call.id))}` }, str(call.id))],
      ['Upstream / tool', `${str(call.server)} / ${str(call.tool)}`],
      ['Session / rpc id', `${str(call.session)} / ${str(call.rpc_id)}`],
      ['Arguments sha256', code(call.args_sha256)],
      ['Tool sha256', code(call.tool_sha256)],
      ['Principal', str(obj(body.principal).id)],
      ['Policy effect', str(policy.effect)],
      ['Rules', str(policy.rules)],
      ['Reason', str(policy.reason)],
      ['Policy bundle', code(policy.bundle_sha256)],
    );
  }
  if (approval) {
    rows.push(
      ['Approval', approval.id ? h('a', { href: `#/approvals/${encodeURIComponent(str(approval.id))}` }, str(approval.id)) : '—'],
      ['Approvers', str(approval.approvers)],
      ['Decided by', str(approval.decided_by)],
      ['Note', str(approval.note)],
      ['Expires', str(approval.expires_at)],
    );
  }
  if (result) rows.push(['Result', `sha256 ${str(result.sha256)}${result.is_error ? ' (error)' : ''}`]);
  if (body.ref) rows.push(['Follows (leaf)', code(body.ref)]);
  if (body.rotation) rows.push(['Rotation', JSON.stringify(body.rotation)]);
  return fields(rows);
}
