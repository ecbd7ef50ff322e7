// The reviewer's routes: list and read held calls, approve or reject them, who am I, health.
import { z } from 'zod';
import { ApprovalStatusSchema, type Approvals } from '../approvals/index.js';
import { approvalView } from './approval-view.js';
import { AdminError } from './errors.js';
import type { RequestContext, Route } from './router.js';

// Untrusted: the reviewer's request body.
const DecisionBodySchema = z.strictObject({ note: z.string().max(2000).optional() });

export function approvalRoutes(approvals: Approvals, clock: () => Date = () => new Date()): Route[] {
  const decideRoute = (verdict: 'approve' | 'reject'): Route => ({
    method: 'POST',
    path: `/api/approvals/:id/${verdict}`,
    auth: 'reviewer',
    async handle(ctx) {
      const body = DecisionBodySchema.safeParse(await ctx.json());
      if (!body.success) throw new AdminError('bad_request', `body: ${body.error.issues[0]?.message} (expected { "note"?: string })`);
      const approval = await approvals.decide(ctx.params.id!, ctx.reviewer!, verdict, body.data.note ?? null);
      return { body: approvalView(approval, clock()) };
    },
  });
  return [
    { method: 'GET', path: '/healthz', auth: 'public', handle: async () => ({ body: { ok: true } }) },
    {
      method: 'GET',
      path: '/api/whoami',
      auth: 'reviewer',
      handle: async ({ reviewer }: RequestContext) => ({ body: reviewer }),
    },
    {
      method: 'GET',
      path: '/api/approvals',
      auth: 'reviewer',
      async handle({ url }) {
        const raw = url.searchParams.get('status');
        const status = raw === null ? undefined : ApprovalStatusSchema.safeParse(raw);
        if (status && !status.success) throw new AdminError('bad_request', `status must be one of ${ApprovalStatusSchema.options.join(', ')}`);
        const now = clock();
        return { body: { approvals: (await approvals.list(status?.data)).map((a) => approvalView(a, now)) } };
      },
    },
    {
      method: 'GET',
      path: '/api/approvals/:id',
      auth: 'reviewer',
      handle: async ({ params }) => ({ body: approvalView(await approvals.get(params.id!), clock()) }),
    },
    decideRoute('approve'),
    decideRoute('reject'),
  ];
}
