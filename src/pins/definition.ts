// What a pin is: sha256 hex of the RFC 8785 canonical JSON of the whole tool definition, after
// vetting: every field the upstream sent (execution, icons, _meta and any field MCP adds later, as
// well as those an agent reads), since clients are shown all of them and each may change what a
// client or an agent does with the tool. Fields the upstream leaves out are left out of the JSON
// (never written as null), so an absent field and an explicit null hash differently.
import { z } from 'zod';
import { canonicalSha256 } from '../receipts/index.js';

/** The fields vetting checks and bounds, in the order reviewers read them; any other field is pinned as sent. */
export const VETTED_FIELDS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const;

/** A tool definition after vetting (see vet.ts): the vetted fields typed, the others as the upstream sent them. */
export const ToolDefinitionSchema = z.looseObject({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;

/** The pin of a tool definition (throws for values JSON cannot hold, e.g. cycles); canonical JSON leaves absent fields out. */
export function pinOf(tool: ToolDefinition | Record<string, unknown>): string {
  return canonicalSha256(tool);
}

/** Every field of either definition: the vetted ones first, then the others in code point order. */
export function fieldsOf(...definitions: readonly (Record<string, unknown> | null)[]): string[] {
  const others = new Set<string>();
  for (const d of definitions) for (const key of Object.keys(d ?? {})) if (!(VETTED_FIELDS as readonly string[]).includes(key)) others.add(key);
  return [...VETTED_FIELDS, ...[...others].sort()];
}
