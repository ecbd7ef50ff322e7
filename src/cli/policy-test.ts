// `toolgate policy test`: the fixture cases (*.test.yaml) kept beside the policies. Without a
// config each folder is one bundle; with -c every case is decided as the running gateway would
// decide it: the config's whole bundle (every policy folder, the registry), its path_root and its
// upstream names. A failing case prints what differed and the reason of the decision.
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import { compileBundle, parseFixtureFile, readPolicySources, runCase, type CompileOptions, type PolicyBundle, type PolicySource } from '../policy/index.js';
import { readRegistrySource } from '../registry/index.js';
import { readConfig, type ConfigFlag } from './config-option.js';
import { reportFailure } from './policy-failure.js';

export interface TestOptions extends ConfigFlag {
  pathRoot?: string;
  verbose?: boolean;
}

/** The fixture files of one bundle, and how to compile that bundle for a path_root. */
interface Suite {
  fixtures: string[];
  sources: PolicySource[];
  options: CompileOptions & { pathRoot: string };
  /** The configured upstream names, when run for a config. */
  upstreams?: string[];
}

const fixturesUnder = async (dirs: readonly string[]) =>
  (
    await glob(
      dirs.map((d) => join(d, '**/*.test.{yaml,yml}')),
      { absolute: true },
    )
  ).sort();

/** Without a config: each folder holding fixtures is one bundle of the policy files beside them. */
async function folderSuites(dirs: readonly string[], opts: TestOptions): Promise<Suite[]> {
  const byDir = new Map<string, string[]>();
  for (const f of await fixturesUnder(dirs)) byDir.set(dirname(f), [...(byDir.get(dirname(f)) ?? []), f]);
  const pathRoot = resolve(opts.pathRoot ?? '/');
  return Promise.all(
    [...byDir].map(async ([dir, fixtures]) => ({ fixtures, sources: await readPolicySources([join(dir, '*.{yaml,yml}')]), options: { pathRoot } })),
  );
}

/** With a config: the fixtures under its policy folders (or the given ones), all against the config's bundle. */
async function configSuite(dirs: readonly string[], opts: TestOptions): Promise<Suite[]> {
  const { config } = readConfig(opts);
  const folders = dirs.length ? dirs : [...new Set(config.policies.map((p) => picomatch.scan(p).base))];
  const upstreams = Object.keys(config.upstreams);
  return [
    {
      fixtures: await fixturesUnder(folders),
      sources: await readPolicySources(config.policies),
      options: {
        knownUpstreams: upstreams,
        pathRoot: opts.pathRoot ? resolve(opts.pathRoot) : config.policy.path_root,
        ...(config.registry ? { registry: await readRegistrySource(config.registry) } : {}),
      },
      upstreams,
    },
  ];
}

/** Runs one fixture file; returns [passed, failed]. */
async function runFixture(file: string, suite: Suite, verbose: boolean): Promise<[number, number]> {
  process.stdout.write(`${relative('.', file)}:\n`);
  const fixture = parseFixtureFile(file, await readFile(file, 'utf8'));
  let bundle: PolicyBundle;
  try {
    const pathRoot = fixture.path_root === undefined ? suite.options.pathRoot : resolve(dirname(file), fixture.path_root);
    bundle = compileBundle(suite.sources, { ...suite.options, pathRoot });
  } catch (err) {
    reportFailure(err);
    return [0, fixture.cases.length];
  }
  let pass = 0;
  fixture.cases.forEach((c, i) => {
    const r = runCase(bundle, c, i, suite.upstreams);
    if (r.pass) pass++;
    if (!r.pass) process.stdout.write(`  FAIL: ${r.name}\n        ${r.failure}\n        reason: ${r.decision.reason}\n`);
    else if (verbose) process.stdout.write(`  PASS: ${r.name}\n`);
  });
  return [pass, fixture.cases.length - pass];
}

export async function runFixtures(dirs: string[], opts: TestOptions): Promise<void> {
  let suites: Suite[];
  try {
    suites = opts.config ? await configSuite(dirs, opts) : await folderSuites(dirs.length ? dirs : ['policies'], opts);
  } catch (err) {
    return reportFailure(err);
  }
  if (!suites.some((s) => s.fixtures.length)) throw new Error(`no fixture files (*.test.yaml) under ${dirs.join(', ') || 'the policy folders'}`);
  let pass = 0;
  let fail = 0;
  for (const suite of suites) {
    for (const file of suite.fixtures) {
      const [p, f] = await runFixture(file, suite, opts.verbose ?? false);
      pass += p;
      fail += f;
    }
  }
  process.stdout.write(`${'-'.repeat(80)}\nPASS: ${pass}/${pass + fail}\n${fail ? `FAIL: ${fail}/${pass + fail}\n` : ''}`);
  if (fail) process.exitCode = 1;
}
