// Load toolgate.yaml: parse with line numbers, interpolate ${ENV} in string values, validate
// against the strict schema, and resolve relative paths against the config file's folder.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ToolgateError } from '../core/errors.js';
import { schemaProblems, type SchemaProblem } from '../core/schema-issues.js';
import { formatKeyPath, parseYamlSource, YamlSyntaxError, type YamlSource } from '../core/yaml-source.js';
import { ConfigSchema, isStdioUpstream, type Config } from './schema.js';

export class ConfigError extends ToolgateError<'config_invalid' | 'config_unreadable'> {}

export interface LoadedConfig {
  file: string;
  dir: string;
  config: Config;
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('config_unreadable', `cannot read config ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(path, text, env);
}

export function parseConfig(path: string, text: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let source;
  try {
    source = parseYamlSource(path, text);
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new ConfigError('config_invalid', err.message, { cause: err });
    throw err;
  }
  const missing: string[] = [];
  const raw = interpolate(source.value ?? {}, env, [], missing);
  if (missing.length) {
    const [first] = missing;
    throw new ConfigError('config_invalid', `${path}: ${first}`);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = schemaProblems(parsed.error.issues).map((problem) => describeProblem(path, problem, source));
    throw new ConfigError('config_invalid', `invalid config:\n${lines.join('\n')}`);
  }
  const dir = dirname(path);
  const config = resolvePaths(parsed.data, dir);
  checkConsistency(path, config);
  checkIdentities(config, raw, (list, i) => `${path}${lineSuffix(source.lineOf([list, i, 'id']))}`);
  return { file: path, dir, config };
}

/** An unknown key is reported at its own line, not at the start of the object holding it. */
function describeProblem(file: string, { path, unknownKey, message }: SchemaProblem, source: YamlSource): string {
  const line = source.lineOf(unknownKey === undefined ? path : [...path, unknownKey]);
  return `  ${file}${line ? `:${line}` : ''}: ${formatKeyPath(path)}: ${message}`;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replace ${NAME} and ${NAME:-default} in every string value; record unset names without defaults. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[], missing: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_all, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined) return v;
      if (fallback !== undefined) return fallback;
      missing.push(`${formatKeyPath(path)}: environment variable ${name} is not set`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, i], missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, [...path, k], missing)]));
  }
  return value;
}

function resolvePaths(config: Config, dir: string): Config {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const upstreams = Object.fromEntries(Object.entries(config.upstreams).map(([name, u]) => [name, isStdioUpstream(u) ? { ...u, cwd: abs(u.cwd ?? '.') } : u]));
  return {
    ...config,
    upstreams,
    policies: config.policies.map(abs),
    policy: {
      ...config.policy,
      archive_dir: abs(config.policy.archive_dir),
      path_root: abs(config.policy.path_root),
      shadow: config.policy.shadow.map(abs),
      ...(config.policy.require_signatures && {
        require_signatures: { ...config.policy.require_signatures, keyring: abs(config.policy.require_signatures.keyring) },
      }),
    },
    store: config.store.kind === 'lowdb' ? { ...config.store, path: abs(config.store.path) } : config.store,
    ledger: { ...config.ledger, dir: abs(config.ledger.dir) },
    keys: { ...config.keys, dir: abs(config.keys.dir) },
    pins: config.pins.file ? { ...config.pins, file: abs(config.pins.file) } : config.pins,
    ...(config.registry ? { registry: abs(config.registry) } : {}),
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Rules that span several keys and so cannot live in one field's schema. */
function checkConsistency(file: string, config: Config): void {
  const http = config.listen.http;
  if (!config.listen.stdio && !http) throw new ConfigError('config_invalid', `${file}: listen: enable stdio or http`);
  if (http && !LOOPBACK.has(http.host) && config.principals.length === 0) {
    throw new ConfigError(
      'config_invalid',
      `${file}: listen.http.host is ${http.host} (not loopback) but no principals are configured: every client would be anonymous. Add principals with token_sha256, or bind 127.0.0.1.`,
    );
  }
  const admin = config.admin;
  if (admin && !LOOPBACK.has(admin.host) && config.reviewers.length === 0) {
    throw new ConfigError('config_invalid', `${file}: admin.host is ${admin.host} (not loopback) but no reviewers are configured.`);
  }
  const seen = new Set<string>();
  for (const p of [...config.principals, ...config.reviewers]) {
    if (seen.has(p.token_sha256)) throw new ConfigError('config_invalid', `${file}: two principals/reviewers share one token (id ${p.id})`);
    seen.add(p.token_sha256);
  }
}

const lineSuffix = (line: number | undefined) => (line ? `:${line}` : '');

/**
 * One person is one entry per list: "alice" and "User:Alice" are one canonical id, and two entries
 * would be two votes toward a quorum or two sets of rights for one person. `raw` is the config as
 * written, for the spellings in the message.
 */
function checkIdentities(config: Config, raw: unknown, where: (list: string, index: number) => string): void {
  for (const list of ['principals', 'reviewers'] as const) {
    const written = (i: number) => JSON.stringify((raw as Record<string, Array<{ id?: unknown }>>)[list]?.[i]?.id);
    const seen = new Map<string, number>();
    config[list].forEach((entry, i) => {
      const first = seen.get(entry.id);
      if (first === undefined) return void seen.set(entry.id, i);
      throw new ConfigError(
        'config_invalid',
        `${where(list, i)}: ${list}[${i}].id ${written(i)} is ${entry.id}, already ${list}[${first}] (${written(first)}): one person is one entry (ids are compared lower-case, with "user:" added when no kind is given)`,
      );
    });
  }
}
