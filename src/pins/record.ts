// The pin set of one upstream identity as it is stored: the approved pins and the pending drifts.
// Read back from the store it is untrusted (the state file can be edited by hand), so it is parsed.
import { z } from 'zod';
import { ToolDefinitionSchema } from './definition.js';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const ApprovedPinSchema = z.strictObject({
  sha256: sha256Hex,
  definition: ToolDefinitionSchema,
  /** "first-sight" for automatic pins, otherwise the reviewer's id. */
  approved_by: z.string().min(1),
  approved_at: z.string(),
  /** The approved pin this one replaced (null for a first pin): lets a store approval supersede the pins file. */
  replaces: sha256Hex.nullable(),
});

export const PendingDriftSchema = z.strictObject({
  /** The approved pin (null: a new tool in strict mode). */
  from: sha256Hex.nullable(),
  to: sha256Hex,
  previous: ToolDefinitionSchema.nullable(),
  definition: ToolDefinitionSchema,
  seen_at: z.string(),
});

export const UpstreamPinsSchema = z.strictObject({
  identity: sha256Hex,
  label: z.string(),
  /** The upstream name that last presented this identity. */
  upstream: z.string(),
  pins: z.record(z.string(), ApprovedPinSchema),
  drifts: z.record(z.string(), PendingDriftSchema),
});

export type ApprovedPin = z.infer<typeof ApprovedPinSchema>;
export type PendingDrift = z.infer<typeof PendingDriftSchema>;
export type UpstreamPins = z.infer<typeof UpstreamPinsSchema>;
