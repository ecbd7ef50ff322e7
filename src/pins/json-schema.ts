// Whether an upstream's inputSchema/outputSchema is a JSON Schema at all: Ajv compiles it against
// the draft its $schema names (draft-07 when it names none). Compiled verdicts are cached by the
// schema's canonical hash because upstreams repeat the same schemas on every tools/list.
import { Ajv, type Options } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { canonicalJson, sha256Hex } from '../receipts/index.js';

/** Larger schemas are refused outright rather than compiled. */
export const MAX_SCHEMA_BYTES = 256 * 1024;
const CACHE_LIMIT = 1024;

// addUsedSchema: false keeps one upstream's $id from being registered where another's could use it;
// no loadSchema, so a remote $ref fails to compile instead of being fetched.
const options: Options = { strict: false, logger: false, addUsedSchema: false, validateFormats: false };
const validators = { draft7: new Ajv(options), draft2019: new Ajv2019(options), draft2020: new Ajv2020(options) };
const verdicts = new Map<string, string | null>();

/** Null when `schema` (untrusted) is a usable JSON Schema for a tool's object; otherwise why not. */
export function schemaProblem(schema: unknown): string | null {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return 'is not a JSON object';
  let text: string;
  try {
    text = canonicalJson(schema);
  } catch {
    return 'is not representable as JSON';
  }
  if (text.length > MAX_SCHEMA_BYTES) return `is larger than ${MAX_SCHEMA_BYTES} bytes`;
  const key = sha256Hex(text);
  const cached = verdicts.get(key);
  if (cached !== undefined) return cached;
  const verdict = compileProblem(schema as Record<string, unknown>);
  if (verdicts.size >= CACHE_LIMIT) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

function compileProblem(schema: Record<string, unknown>): string | null {
  if (schema.type !== 'object') return 'must have "type": "object"';
  const { $schema, ...rest } = schema;
  const draft = String($schema ?? '');
  const ajv = draft.includes('2020-12') ? validators.draft2020 : draft.includes('2019-09') ? validators.draft2019 : validators.draft7;
  try {
    ajv.compile(draft.includes('2020-12') || draft.includes('2019-09') ? schema : rest);
    return null;
  } catch (err) {
    return `is not valid JSON Schema: ${firstLine((err as Error).message)}`;
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
