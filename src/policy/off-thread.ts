// Reloading a large bundle without stalling the calls being decided meanwhile: YAML and schema
// parsing (most of the work) run in a worker thread, only for files whose content changed, and
// compilation yields to the event loop between slices of rules. The result is the same bundle
// compileBundle would build.
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { assembleBundle, type CompileOptions, type PolicyBundle } from './bundle.js';
import { parsePolicySource, type ParseResult, type PolicySource } from './parse.js';

function parseOffThread(sources: readonly PolicySource[]): Promise<ParseResult[]> {
  if (sources.length === 0) return Promise.resolve([]);
  // Run from the TypeScript sources (tests) there is no compiled worker to start: parse here.
  if (!import.meta.url.endsWith('.js')) return Promise.resolve(sources.map(parsePolicySource));
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: sources });
    worker.once('message', (results: ParseResult[]) => {
      resolve(results);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the policy parser stopped (exit ${code}) before answering`)));
  });
}

/** Parse results of the files last loaded, keyed by path and content hash. */
export type ParseCache = Map<string, ParseResult>;

const cacheKey = (s: PolicySource) => `${s.file}\u0000${createHash('sha256').update(s.text).digest('hex')}`;

/** Parses the files not in the cache, and leaves the cache holding exactly the current files. */
async function parseChanged(sources: readonly PolicySource[], cache: ParseCache): Promise<ParseResult[]> {
  const keys = sources.map(cacheKey);
  const fresh = await parseOffThread(sources.filter((_s, i) => !cache.has(keys[i]!)));
  let next = 0;
  const results = keys.map((k) => cache.get(k) ?? fresh[next++]!);
  cache.clear();
  keys.forEach((k, i) => cache.set(k, results[i]!));
  return results;
}

export async function compileBundleOffThread(
  sources: readonly PolicySource[],
  options: CompileOptions = {},
  cache: ParseCache = new Map(),
): Promise<PolicyBundle> {
  const steps = assembleBundle(sources, await parseChanged(sources, cache), options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await nextTurn();
  }
}
