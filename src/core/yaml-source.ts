// Parse YAML while keeping line numbers, so that errors in config and policy files can name
// "file:line" for the key path that zod (or a later check) complains about. A fast reader serves
// large valid files; the line-aware parser stays the reference and the source of every message.
import { constructFromEvents, CORE_SCHEMA, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type Event } from 'js-yaml';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';

export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line of the node at a key path, or of its closest existing ancestor. */
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

export class YamlSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${detail}`);
  }
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? lineCounter.linePos(first.pos[0]).line;
    throw new YamlSyntaxError(file, line, first.message.split('\n')[0] ?? 'invalid YAML');
  }
  const lineAt = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);
  return {
    file,
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = lineAt(node as Node);
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
          if (!pair) break;
          line = lineAt(pair.key as Node) ?? line;
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          node = node.items[key];
          if (!node) break;
          line = lineAt(node as Node) ?? line;
        } else break;
      }
      return line;
    },
  };
}

/** "upstreams.fs.args[2]" from a zod issue path. */
export function formatKeyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

/**
 * A mapping key the two parsers are sure to read as the same string: quoted, or a plain word that
 * no YAML schema resolves to anything else (no null/bool spellings, no leading digit, sign or dot).
 */
const SAFE_PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NOT_A_STRING = /^(null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$/;
const REFUSED_KEYS = new Set(['__proto__', '<<']);

interface Frame {
  kind: 'map' | 'seq';
  /** For a map: the next node is a key. */
  atKey: boolean;
  keys: Set<string> | undefined;
  /** Key of the last key read (maps), or index of the next item (sequences). */
  key: string | number;
  /** Where this collection sits ([] for the root, ["rules"]...); null deeper than lines are kept. */
  path: ReadonlyArray<string | number> | null;
}

/**
 * Follows the event stream, refusing what the two parsers could read differently and noting the
 * offsets of the root, the root mapping's keys and the items of its values (JSON key paths).
 */
class PlainWalk {
  readonly offsets = new Map<string, number>();
  documents = 0;
  private readonly stack: Frame[] = [];

  constructor(private readonly text: string) {}

  /** False when the fast path must leave the file to the line-aware parser. */
  accept(e: Event): boolean {
    if (e.type === EVENT_ID.DOCUMENT) return ++this.documents === 1 && e.directives.length === 0;
    if (e.type === EVENT_ID.POP) {
      if (this.stack.pop()) this.finishNode();
      return true;
    }
    if (e.type === EVENT_ID.ALIAS || e.anchorStart !== -1 || e.tagStart !== -1) return false;
    const parent = this.stack[this.stack.length - 1];
    const start = e.type === EVENT_ID.SCALAR ? e.valueStart : e.start;
    if (parent?.kind === 'map' && parent.atKey) {
      if (e.type !== EVENT_ID.SCALAR) return false;
      const key = getScalarValue(this.text, e);
      const plain = e.style === SCALAR_STYLE.PLAIN;
      if ((plain && (!SAFE_PLAIN_KEY.test(key) || NOT_A_STRING.test(key))) || REFUSED_KEYS.has(key) || parent.keys!.has(key)) return false;
      parent.keys!.add(key);
      parent.key = key;
      parent.atKey = false;
      if (parent.path?.length === 0) this.offsets.set(JSON.stringify([key]), start);
      return true;
    }
    const path = !parent ? [] : parent.path && parent.path.length < 2 ? [...parent.path, parent.key] : null;
    // A value of the root mapping is placed at its key (as lineOf does), noted above.
    if (path && path.length !== 1) this.offsets.set(JSON.stringify(path), start);
    if (e.type === EVENT_ID.SCALAR) this.finishNode();
    else {
      const map = e.type === EVENT_ID.MAPPING;
      this.stack.push({ kind: map ? 'map' : 'seq', atKey: map, keys: map ? new Set() : undefined, key: 0, path });
    }
    return true;
  }

  /** After a node ends: its mapping expects a key next, its sequence counts one more item. */
  private finishNode(): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent?.kind === 'map') parent.atKey = true;
    else if (parent) parent.key = (parent.key as number) + 1;
  }
}

/**
 * The fast reader: js-yaml's event parser, about 7 times faster than parseDocument, for files
 * that are valid and plain. It returns undefined, so that the caller falls back to
 * parseYamlSource and its precise messages, for anything the two parsers could read differently
 * or that it cannot place on a line: syntax errors, not exactly one document, directives, tags,
 * anchors and aliases, keys that are not plain words or quoted strings, duplicate keys, `<<`,
 * `__proto__`, and lone carriage returns. Its lineOf knows the root, the root mapping's keys and
 * the items of the root mapping's values (["rules", 3]), which is what a valid file needs.
 */
export function readYamlFast(file: string, text: string): YamlSource | undefined {
  if (/\r(?!\n)/.test(text)) return undefined;
  let value: unknown;
  const walk = new PlainWalk(text);
  try {
    const events = parseEvents(text, { filename: file });
    if (!events.every((e) => walk.accept(e)) || walk.documents !== 1) return undefined;
    [value] = constructFromEvents(events, { source: text, filename: file, schema: CORE_SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
  const lines = linesOf(text, walk.offsets);
  return {
    file,
    value,
    lineOf(path) {
      for (let n = Math.min(path.length, 2); n >= 0; n--) {
        const line = lines.get(JSON.stringify(path.slice(0, n)));
        if (line !== undefined) return line;
      }
      return undefined;
    },
  };
}

/** 1-based lines of the offsets, in one pass over the text. */
function linesOf(text: string, offsets: Map<string, number>): Map<string, number> {
  const sorted = [...offsets].sort((a, b) => a[1] - b[1]);
  const lines = new Map<string, number>();
  let line = 1;
  let next = text.indexOf('\n');
  for (const [key, offset] of sorted) {
    while (next !== -1 && next < offset) {
      line++;
      next = text.indexOf('\n', next + 1);
    }
    lines.set(key, line);
  }
  return lines;
}
