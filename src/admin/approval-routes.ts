// The reviewer's routes: list and read held calls, approve or reject them, who am I, health.
import { z } from 'zod';
import { ApprovalStatusSchema, type Approvals, type Reviewer } from '../approvals/index.js';
import { EvidenceFieldName } from '../receipts/index.js';
import { approvalView } from './approval-view.js';
import { HttpError, type Route } from '../http/index.js';

// Untrusted: the reviewer's request body.
const DecisionBodySchema = z.strictObject({
  note: z.string().max(2000).optional(),
  evidence: z
    .record(EvidenceFieldName, z.string().max(256))
    .refine((e) => Object.keys(e).length <= 16, 'at most 16 evidence fields')
    .optional(),
});

export function approvalRoutes(approvals: Approvals, clock: () => Date = () => new Date()): Route<Reviewer>[] {
  const decideRoute = (verdict: 'approve' | 'reject'): Route<Reviewer> => ({
    method: 'POST',
    path: `/api/approvals/:id/${verdict}`,
    auth: 'token',
    async handle(ctx) {
      const body = DecisionBodySchema.safeParse(await ctx.json());
      if (!body.success) {
        const issue = body.error.issues[0];
        const at = issue?.path.length ? `${issue.path.join('.')}: ` : '';
        throw new HttpError('bad_request', `body: ${at}${issue?.message} (expected { "note"?: string, "evidence"?: { "<field>": string } })`);
      }
      const given = { note: body.data.note ?? null, fields: body.data.evidence ?? {} };
      const approval = await approvals.decide(ctx.params.id!, ctx.caller!, verdict, given);
      return { body: approvalView(approval, clock(), approvals.isWaiting(approval.id)) };
    },
  });
  return [
    { method: 'GET', path: '/healthz', auth: 'public', handle: async () => ({ body: { ok: true } }) },
    {
      method: 'GET',
      path: '/api/whoami',
      auth: 'token',
      handle: async ({ caller }) => ({ body: caller }),
    },
    {
      method: 'GET',
      path: '/api/approvals',
      auth: 'token',
      async handle({ url }) {
        const raw = url.searchParams.get('status');
        const status = raw === null ? undefined : ApprovalStatusSchema.safeParse(raw);
        if (status && !status.success) throw new HttpError('bad_request', `status must be one of ${ApprovalStatusSchema.options.join(', ')}`);
        const now = clock();
        return { body: { approvals: (await approvals.list(status?.data)).map((a) => approvalView(a, now, approvals.isWaiting(a.id))) } };
      },
    },
    {
      method: 'GET',
      path: '/api/approvals/:id',
      auth: 'token',
      handle: async ({ params }) => ({ body: approvalView(await approvals.get(params.id!), clock(), approvals.isWaiting(params.id!)) }),
    },
    decideRoute('approve'),
    decideRoute('reject'),
  ];
}
