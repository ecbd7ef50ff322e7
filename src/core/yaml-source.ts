// Parse YAML while keeping line numbers, so that errors in config and policy files can name
// "file:line" for the key path that zod (or a later check) complains about.
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';

export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line of the node at a key path, or of its closest existing ancestor. */
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

export class YamlSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, detail: string) {
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
  const lineAt = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
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
