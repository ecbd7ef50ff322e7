// The pins file: approved pins as YAML, so that they go through code review like policies
// (`toolgate pins export > pins.yaml`, then `pins: { file: pins.yaml }` in toolgate.yaml). Each
// upstream entry is bound to the identity it was exported from; each definition is stored in
// canonical key order so that a re-export only changes the lines that changed.
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { z } from 'zod';
import { formatKeyPath, parseYamlSource, YamlSyntaxError } from '../core/index.js';
import { canonicalJson } from '../receipts/index.js';
import { pinOf, ToolDefinitionSchema, type ToolDefinition } from './definition.js';
import { PinError } from './errors.js';

export const PINS_FILE_VERSION = 'toolgate.pins/v1';

const FilePinSchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256 (64 digits)'),
  definition: ToolDefinitionSchema,
});

const FileUpstreamSchema = z.strictObject({
  identity: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256 (64 digits)'),
  label: z.string().default(''),
  tools: z.record(z.string(), FilePinSchema).default({}),
});

export const PinsFileSchema = z.strictObject({
  version: z.literal(PINS_FILE_VERSION),
  upstreams: z.record(z.string(), FileUpstreamSchema).default({}),
});

export type PinsFile = z.infer<typeof PinsFileSchema>;
export type FileUpstream = z.infer<typeof FileUpstreamSchema>;
export type FilePin = z.infer<typeof FilePinSchema>;

export function loadPinsFile(path: string): PinsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PinError('pins_file_unreadable', `cannot read pins file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parsePinsFile(path, text);
}

export function parsePinsFile(path: string, text: string): PinsFile {
  let source;
  try {
    source = parseYamlSource(path, text);
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new PinError('pins_file_invalid', err.message, { cause: err });
    throw err;
  }
  const where = (keys: PropertyKey[]) => `${path}${source.lineOf(keys) ? `:${source.lineOf(keys)}` : ''}: ${formatKeyPath(keys)}`;
  const parsed = PinsFileSchema.safeParse(source.value ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${where(issue.path as PropertyKey[])}: ${issue.message}`);
    throw new PinError('pins_file_invalid', `invalid pins file:\n${lines.join('\n')}`);
  }
  // A hand-edited definition must not keep its old pin: the pin is what reviewers approved.
  for (const [upstream, entry] of Object.entries(parsed.data.upstreams)) {
    for (const [tool, pin] of Object.entries(entry.tools)) {
      const keys = ['upstreams', upstream, 'tools', tool, 'sha256'];
      if (pin.definition.name !== tool)
        throw new PinError('pins_file_invalid', `${where(keys)}: the definition is named "${pin.definition.name}", not "${tool}"`);
      if (pinOf(pin.definition) !== pin.sha256)
        throw new PinError('pins_file_invalid', `${where(keys)}: does not match the definition below it (was it edited by hand? re-export instead)`);
    }
  }
  return parsed.data;
}

/** The YAML text of a pins file, upstreams and tools sorted by name. */
export function renderPinsFile(
  upstreams: Record<string, { identity: string; label: string; tools: Record<string, { sha256: string; definition: ToolDefinition }> }>,
): string {
  const out: PinsFile = { version: PINS_FILE_VERSION, upstreams: {} };
  for (const name of Object.keys(upstreams).sort()) {
    const entry = upstreams[name]!;
    const tools: Record<string, FilePin> = {};
    for (const tool of Object.keys(entry.tools).sort()) {
      const pin = entry.tools[tool]!;
      tools[tool] = { sha256: pin.sha256, definition: JSON.parse(canonicalJson(pin.definition)) as ToolDefinition };
    }
    out.upstreams[name] = { identity: entry.identity, label: entry.label, tools };
  }
  return stringify(out, { lineWidth: 0, aliasDuplicateObjects: false });
}
