// Vetting tool definitions from an upstream. Everything here is untrusted input from a server that
// may be hostile: nothing throws, every problem becomes a flag. Fatal flags keep the tool from
// clients (state "invalid"); the others rewrite the definition to a bounded, visible form that is
// then pinned and shown, so what is pinned is what the agent reads. Fields not vetted here
// (execution, icons, _meta ...) are kept as sent, and pinned too.
import { schemaProblem } from './json-schema.js';
import { pinOf, VETTED_FIELDS, type ToolDefinition } from './definition.js';

export const MAX_DESCRIPTION_BYTES = 8 * 1024;
export const MAX_TITLE_BYTES = 256;
export const MAX_NAME_LENGTH = 128;

export type FlagCode =
  | 'malformed'
  | 'name_invalid'
  | 'duplicate_name'
  | 'schema_invalid'
  | 'description_truncated'
  | 'title_truncated'
  | 'invisible_chars_removed';

const FATAL: ReadonlySet<FlagCode> = new Set(['malformed', 'name_invalid', 'duplicate_name', 'schema_invalid']);

export interface Flag {
  code: FlagCode;
  detail: string;
}

export interface VettedTool {
  /** The tool's name, with invisible characters escaped so that it can be printed and logged. */
  name: string;
  /** The bounded definition (null when the tool is too malformed to have one). */
  definition: ToolDefinition | null;
  /** The pin of `definition` (null for an invalid tool). */
  pin: string | null;
  flags: Flag[];
  /** A fatal flag keeps the tool from clients. */
  invalid: boolean;
}

// Control, format (zero-width, bidi overrides, tags), separator, private-use, unassigned and
// surrogate code points, plus the fillers and selectors that render as nothing.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each code point is listed on purpose, joiners included.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFE00-\uFE0F\uFFA0\u{E0100}-\u{E01EF}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');
const TEXT_WHITESPACE = new Set(['\t', '\n', '\r']);

/** Vet every tool of one upstream's tools/list, in order; a later duplicate name is the one flagged. */
export function vetTools(tools: readonly unknown[]): VettedTool[] {
  const seen = new Set<string>();
  return tools.map((raw, index) => {
    const vetted = vetTool(raw, index);
    // Hidden or not, an earlier tool of that name makes a call by the name ambiguous.
    const name = vetted.definition?.name;
    if (name !== undefined) {
      if (seen.has(name)) flag(vetted, 'duplicate_name', 'an earlier tool of this upstream has the same name; this one is hidden');
      seen.add(name);
    }
    return vetted;
  });
}

function vetTool(raw: unknown, index: number): VettedTool {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return malformed(`#${index}`, 'the tool is not a JSON object');
  const tool = raw as Record<string, unknown>;
  if (typeof tool.name !== 'string') return malformed(`#${index}`, 'the tool has no string "name"');
  const vetted: VettedTool = { name: escapeInvisible(tool.name), definition: null, pin: null, flags: [], invalid: false };
  const nameProblem = checkName(tool.name);
  if (nameProblem) flag(vetted, 'name_invalid', nameProblem);
  // Fields vetting does not check are pinned and shown as the upstream sent them (JSON values).
  const definition: ToolDefinition = { ...unvetted(tool), name: tool.name, inputSchema: {} };
  for (const [field, max, code] of [
    ['title', MAX_TITLE_BYTES, 'title_truncated'],
    ['description', MAX_DESCRIPTION_BYTES, 'description_truncated'],
  ] as const) {
    const value = tool[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      flag(vetted, 'malformed', `"${field}" is not a string`);
      continue;
    }
    definition[field] = boundText(vetted, field, value, max, code);
  }
  for (const field of ['inputSchema', 'outputSchema'] as const) {
    const schema = tool[field];
    if (schema === undefined && field === 'outputSchema') continue;
    const problem = schemaProblem(schema);
    if (problem) flag(vetted, 'schema_invalid', `${field} ${problem}`);
    else definition[field] = schema as Record<string, unknown>;
  }
  const annotations = tool.annotations;
  if (annotations !== undefined) {
    if (annotations && typeof annotations === 'object' && !Array.isArray(annotations)) definition.annotations = annotations as Record<string, unknown>;
    else flag(vetted, 'malformed', '"annotations" is not a JSON object');
  }
  vetted.definition = definition;
  if (!vetted.invalid) {
    try {
      vetted.pin = pinOf(definition);
    } catch {
      flag(vetted, 'malformed', 'the definition holds values JSON cannot represent');
    }
  }
  return vetted;
}

/** Own data properties only (fromEntries): a `__proto__` key is a field like any other, never a prototype. */
function unvetted(tool: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(tool).filter(([key, value]) => !(VETTED_FIELDS as readonly string[]).includes(key) && value !== undefined));
}

function checkName(name: string): string | null {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return `the name must have 1 to ${MAX_NAME_LENGTH} characters`;
  if (INVISIBLE.test(name) || /\s/u.test(name)) return 'the name contains control, invisible or white-space characters';
  return null;
}

/** Removes invisible characters (keeping tabs and line breaks) and cuts at a UTF-8 byte bound. */
function boundText(vetted: VettedTool, field: string, text: string, maxBytes: number, code: FlagCode): string {
  let out = text.replace(INVISIBLE_ALL, (ch) => (TEXT_WHITESPACE.has(ch) ? ch : ''));
  if (out !== text) flag(vetted, 'invisible_chars_removed', `invisible characters were removed from the ${field}`);
  const bytes = Buffer.byteLength(out);
  if (bytes > maxBytes) {
    // encodeInto writes whole characters only, so the cut never splits one.
    const { read } = new TextEncoder().encodeInto(out, new Uint8Array(maxBytes));
    out = out.slice(0, read);
    flag(vetted, code, `the ${field} had ${bytes} bytes and was cut to ${maxBytes}`);
  }
  return out;
}

function malformed(name: string, detail: string): VettedTool {
  return { name, definition: null, pin: null, flags: [{ code: 'malformed', detail }], invalid: true };
}

function flag(vetted: VettedTool, code: FlagCode, detail: string): void {
  vetted.flags.push({ code, detail });
  if (FATAL.has(code)) {
    vetted.invalid = true;
    vetted.pin = null;
  }
}

/** "\u{200b}" for each invisible character, so names print as what they are. */
export function escapeInvisible(text: string): string {
  const bounded = text.length > MAX_NAME_LENGTH * 2 ? `${text.slice(0, MAX_NAME_LENGTH * 2)}...` : text;
  return bounded.replace(new RegExp(`${INVISIBLE.source}|\\s`, 'gu'), (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}
