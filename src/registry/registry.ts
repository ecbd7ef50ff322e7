// A parsed registry: which entry (and so which class, owner and review date) describes a surface.
// The first entry that matches an (upstream, tool) describes it, in file order.
import picomatch from 'picomatch';
import { formatKeyPath, parseYamlSource, YamlSyntaxError, type YamlSource } from '../core/yaml-source.js';
import { schemaProblems } from '../core/schema-issues.js';
import { RegistryError } from './errors.js';
import { RegistryFileSchema, type RegistryClass, type SurfaceEntry } from './schema.js';

export interface RegistrySource {
  file: string;
  text: string;
}

export interface RegisteredSurface extends SurfaceEntry {
  /** "file:line" of the entry. */
  at: string;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const matcher = (patterns: string | string[]) => picomatch(list(patterns), { dot: true });

export class Registry {
  private readonly tests: Array<{ entry: RegisteredSurface; server: (s: string) => boolean; tool: (t: string) => boolean }>;

  constructor(
    readonly file: string,
    readonly classes: ReadonlyMap<string, RegistryClass>,
    entries: readonly RegisteredSurface[],
  ) {
    this.tests = entries.map((entry) => ({ entry, server: matcher(entry.match.server), tool: matcher(entry.match.tool) }));
  }

  /** The entry that describes a surface, or undefined when none matches it. */
  entryFor(server: string, tool: string): RegisteredSurface | undefined {
    return this.tests.find((t) => t.server(server) && t.tool(tool))?.entry;
  }

  classOf(server: string, tool: string): string | undefined {
    return this.entryFor(server, tool)?.class;
  }
}

const at = (source: YamlSource, path: PropertyKey[]) => {
  const line = source.lineOf(path);
  return `${source.file}${line ? `:${line}` : ''}`;
};

// Untrusted: the file's text; nothing of it is used before the schema accepted it.
export function parseRegistry({ file, text }: RegistrySource): Registry {
  let source: YamlSource;
  try {
    source = parseYamlSource(file, text);
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new RegistryError('registry_invalid', [err.message], { cause: err });
    throw err;
  }
  const parsed = RegistryFileSchema.safeParse(source.value ?? {});
  if (!parsed.success) {
    const problems = schemaProblems(parsed.error.issues).map(
      ({ path, unknownKey, message }) => `${at(source, unknownKey === undefined ? path : [...path, unknownKey])}: ${formatKeyPath(path)}: ${message}`,
    );
    throw new RegistryError('registry_invalid', problems);
  }
  const classes = new Map(Object.entries(parsed.data.classes));
  const known = [...classes.keys()].sort().join(', ') || 'none';
  const problems: string[] = [];
  const entries = parsed.data.surfaces.map((entry, i) => {
    if (!classes.has(entry.class))
      problems.push(`${at(source, ['surfaces', i, 'class'])}: surfaces[${i}].class: unknown class "${entry.class}" (classes: ${known})`);
    return { ...entry, at: at(source, ['surfaces', i]) };
  });
  if (problems.length) throw new RegistryError('registry_invalid', problems);
  return new Registry(file, classes, entries);
}
