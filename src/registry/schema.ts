// The registry file contract (toolgate.registry/v1) as zod schemas: the source of its types. Every
// object is strict, so a misspelt key is an error rather than a surface silently left unowned.
import { z } from 'zod';

export const REGISTRY_VERSION = 'toolgate.registry/v1';

/** The effects a policy rule may name (kept in step with the policy schema's EffectSchema). */
export const EFFECTS = ['allow', 'deny', 'require_approval', 'allow_with_constraints'] as const;

export const CLASS_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'a name or glob, or a non-empty list of them' });

/** A calendar day as the registry writes it (review_by, and `surfaces --check --as-of`). */
export const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date (YYYY-MM-DD)')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'a date (YYYY-MM-DD)');

export const ClassSchema = z.strictObject({
  /** The effects at least one of which must cover a surface of this class. */
  expects: z.array(z.enum(EFFECTS)).min(1),
  description: z.string().optional(),
});

export const SurfaceEntrySchema = z.strictObject({
  match: z.strictObject({ server: oneOrMany, tool: oneOrMany }),
  class: z.string().min(1),
  owner: z.string().min(1),
  tier: z.enum(['low', 'medium', 'high', 'critical']),
  /** YAML 1.2 reads an unquoted 2027-03-01 as this string. */
  review_by: DateSchema,
  description: z.string().optional(),
});

export const RegistryFileSchema = z.strictObject({
  version: z.literal(REGISTRY_VERSION),
  classes: z.record(z.string().regex(CLASS_NAME, 'letters, digits, "-" and "_", at most 64'), ClassSchema).default({}),
  surfaces: z.array(SurfaceEntrySchema).default([]),
});

export type RegistryFile = z.infer<typeof RegistryFileSchema>;
export type SurfaceEntry = z.infer<typeof SurfaceEntrySchema>;
export type RegistryClass = z.infer<typeof ClassSchema>;
