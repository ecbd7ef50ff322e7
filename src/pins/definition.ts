// What a pin is: sha256 hex of the RFC 8785 canonical JSON of the pinned fields of a tool
// definition. Fields the upstream leaves out are left out of the JSON (never written as null), so
// an absent field and an explicit null hash differently; any other field (_meta, icons, ...) is not
// part of the definition an agent reads and is not pinned.
import { z } from 'zod';
import { canonicalSha256 } from '../receipts/index.js';

export const PINNED_FIELDS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const;

/** The pinned part of a tool definition, after vetting (see vet.ts). */
export const ToolDefinitionSchema = z.strictObject({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;

/** Only the pinned fields, absent ones omitted. */
export function pinnedPart(tool: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of PINNED_FIELDS) if (tool[field] !== undefined) out[field] = tool[field];
  return out;
}

/** The pin of a tool definition (throws for values JSON cannot hold, e.g. cycles). */
export function pinOf(tool: ToolDefinition | Record<string, unknown>): string {
  return canonicalSha256(pinnedPart(tool));
}
