// Parsing one policy file: YAML with line numbers, then the strict schema. Runs on the main thread
// for startup and `policy check`, and in a worker thread on reload, so its results are plain data.
// A valid file takes the fast reader; any failure is parsed again by the line-aware parser, which
// writes the messages, so a fast read never changes what a user is told.
import { formatKeyPath, parseYamlSource, readYamlFast, YamlSyntaxError, type YamlSource } from '../core/yaml-source.js';
import { PolicyFileSchema, type PolicyFile } from './schema.js';

export interface PolicySource {
  file: string;
  text: string;
}

export interface ParsedPolicyFile {
  source: PolicySource;
  data: PolicyFile;
  /** 1-based line of each rule (rules[i]), for explain and for messages. */
  ruleLines: Array<number | undefined>;
  /** "file:line" of the defaults block, when present. */
  defaultsAt: string | undefined;
}

export type ParseResult = { ok: true; parsed: ParsedPolicyFile } | { ok: false; problems: string[] };

export function where(source: YamlSource, path: PropertyKey[]): string {
  const line = source.lineOf(path);
  return `${source.file}${line ? `:${line}` : ''}`;
}

function ruleIdAt(value: unknown, i: number): string {
  const rules = (value as { rules?: unknown[] } | null)?.rules;
  const id = (rules?.[i] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? `rule "${id}": ` : '';
}

// Untrusted: the file's text; nothing of it is used before the schema accepted it.
export function parsePolicySource(s: PolicySource): ParseResult {
  const fast = readYamlFast(s.file, s.text);
  const parsed = fast && PolicyFileSchema.safeParse(fast.value ?? {});
  return parsed?.success ? accepted(s, fast!, parsed.data) : parsePolicySourceLineAware(s);
}

function accepted(s: PolicySource, source: YamlSource, data: PolicyFile): ParseResult {
  return {
    ok: true,
    parsed: {
      source: s,
      data,
      ruleLines: data.rules.map((_r, i) => source.lineOf(['rules', i])),
      defaultsAt: data.defaults ? where(source, ['defaults']) : undefined,
    },
  };
}

/** The reference path: the line-aware parser, which places every problem at its line. */
export function parsePolicySourceLineAware(s: PolicySource): ParseResult {
  let source: YamlSource;
  try {
    source = parseYamlSource(s.file, s.text);
  } catch (err) {
    return { ok: false, problems: [err instanceof YamlSyntaxError ? err.message : `${s.file}: ${(err as Error).message}`] };
  }
  const parsed = PolicyFileSchema.safeParse(source.value ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path as PropertyKey[];
      const id = path[0] === 'rules' && typeof path[1] === 'number' ? ruleIdAt(source.value, path[1]) : '';
      const unknown = issue.code === 'unrecognized_keys' ? issue.keys : undefined;
      const what = unknown ? `unknown key(s) ${unknown.map((k) => `"${k}"`).join(', ')}` : issue.message;
      // An unknown key is reported at its own line, not at the start of the object holding it.
      return `${where(source, unknown ? [...path, unknown[0]!] : path)}: ${id}${formatKeyPath(path)}: ${what}`;
    });
    return { ok: false, problems };
  }
  return accepted(s, source, parsed.data);
}
