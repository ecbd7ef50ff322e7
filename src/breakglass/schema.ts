// A break-glass window as stored, and the request that opens one. Zod schemas are the source of types.
import { z } from 'zod';
import { IdentitySchema } from '../config/index.js';
import { ToolgateError } from '../core/errors.js';

export type BreakGlassErrorCode = 'forbidden' | 'bad_request' | 'not_found' | 'not_open';

export class BreakGlassError extends ToolgateError<BreakGlassErrorCode> {}

/** The reviewer right that opens and closes windows (config `reviewers[].rights`). */
export const BREAK_GLASS_RIGHT = 'break-glass';

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');

export const BreakGlassWindowSchema = z.strictObject({
  id: z.string().regex(/^bg_[0-9a-f]{24}$/),
  opened_by: z.string().min(1),
  reason: z.string().min(1).max(4096),
  /** Only this principal's calls; null: any principal. */
  principal: z.string().min(1).nullable(),
  /** Only this upstream; null: any. */
  server: z.string().min(1).nullable(),
  /** Only tools matching this glob; null: any. */
  tool: z.string().min(1).nullable(),
  opened_at: iso,
  /** Fixed at opening: a window never extends itself. */
  expires_at: iso,
  closed_at: iso.nullable(),
  closed_by: z.string().min(1).nullable(),
  /** How many reviewers must vouch for the window before it lets anything through (config break_glass.open_quorum, fixed at opening). */
  open_quorum: z.number().int().min(1).default(1),
  /** Reviewers besides the opener who confirmed the window, in order. */
  confirmations: z.array(z.strictObject({ by: z.string().min(1), at: iso })).default([]),
  /** After-the-fact reviews by reviewers who neither opened nor confirmed the window. */
  reviews: z.array(z.strictObject({ by: z.string().min(1), at: iso, note: z.string().min(1).max(4096) })).default([]),
});

export type BreakGlassWindow = z.infer<typeof BreakGlassWindowSchema>;

// Untrusted: a reviewer's request body.
export const OpenRequestSchema = z.strictObject({
  reason: z.string().trim().min(1, 'a reason is required').max(4096),
  /** A duration such as 30m. */
  for: z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 30m or 2h'),
  /** Only this principal's calls; canonical like the config's ids. */
  principal: IdentitySchema.optional(),
  /** "server" or "server/tool-glob". */
  surface: z
    .string()
    .regex(/^[^/\s]+(\/[^/\s]+)?$/, 'server or server/tool')
    .optional(),
});

export type OpenRequest = z.infer<typeof OpenRequestSchema>;

// Untrusted: a reviewer's request body.
export const ReviewRequestSchema = z.strictObject({ note: z.string().trim().min(1, 'a note is required').max(4096) });

export function parseWindow(value: unknown): BreakGlassWindow {
  const parsed = BreakGlassWindowSchema.safeParse(value);
  if (!parsed.success) throw new BreakGlassError('not_found', `stored break-glass window is invalid: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
