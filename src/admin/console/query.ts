// Untrusted: query strings of the console's routes, validated with zod (unknown keys are errors).
import { z } from 'zod';
import { HttpError } from '../../http/index.js';
import { ReceiptEventSchema } from '../../receipts/index.js';

const rfc3339 = z.iso.datetime({ offset: true });
const name = z.string().min(1).max(256);

export const ReceiptSearchSchema = z.strictObject({
  receipt_id: name.optional(),
  call_id: name.optional(),
  server: name.optional(),
  tool: name.optional(),
  principal: name.optional(),
  event: ReceiptEventSchema.optional(),
  from: rfc3339.optional(),
  to: rfc3339.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ReceiptSearch = z.infer<typeof ReceiptSearchSchema>;

export const OverviewQuerySchema = z.strictObject({
  period: z.enum(['24h', '7d', '30d']).default('7d'),
});
export type OverviewQuery = z.infer<typeof OverviewQuerySchema>;

export const ReviewQuerySchema = z.strictObject({
  since: z.string().min(1).max(64).default('7d'),
  until: z.string().min(1).max(64).optional(),
});

export function parseQuery<T>(schema: z.ZodType<T>, url: URL): T {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.map(String).join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'query');
    throw new HttpError('bad_request', `query ${key}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
