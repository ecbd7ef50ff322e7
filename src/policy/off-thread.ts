// Reloading a large bundle without stalling the calls being decided meanwhile: YAML and schema
// parsing run in a worker thread, only for files whose content changed, and compilation yields to
// the event loop between slices of rules. The result is the same bundle compileBundle would build.
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { assembleBundle, type CompileOptions, type PolicyBundle } from './bundle.js';
import { parsePolicySource, type ParseResult, type PolicySource } from './parse.js';

/** How long the parser thread waits for the next reload before it stops. */
const PARSER_IDLE_MS = 10 * 60_000;

/** A started parser thread and the requests it has yet to answer. */
interface Running {
  worker: Worker;
  pending: Map<number, { resolve: (r: ParseResult[]) => void; reject: (e: Error) => void }>;
}

/**
 * The parser thread. Starting one costs a few hundred milliseconds (loading the parsers, and code
 * not yet optimized), a good part of a large reload, so it is kept for a while after a reload, for
 * the next one. It never keeps the process alive by itself.
 */
class ParserThread {
  private running: Running | undefined;
  private idle: NodeJS.Timeout | undefined;
  private nextId = 0;

  parse(sources: readonly PolicySource[]): Promise<ParseResult[]> {
    clearTimeout(this.idle);
    const running = (this.running ??= this.start());
    running.worker.ref();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      running.pending.set(id, { resolve, reject });
      running.worker.postMessage({ id, sources });
    });
  }

  private start(): Running {
    const running: Running = { worker: new Worker(new URL('./parse-worker.js', import.meta.url)), pending: new Map() };
    const { worker, pending } = running;
    worker.on('message', ({ id, results }: { id: number; results: ParseResult[] }) => {
      pending.get(id)?.resolve(results);
      pending.delete(id);
      if (pending.size === 0) this.rest(running);
    });
    const fail = (err: Error) => {
      if (this.running === running) this.running = undefined;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the policy parser stopped (exit ${code}) before answering`)));
    return running;
  }

  private rest(running: Running): void {
    running.worker.unref();
    this.idle = setTimeout(() => {
      if (this.running === running) this.running = undefined;
      void running.worker.terminate();
    }, PARSER_IDLE_MS).unref();
  }
}

const parserThread = new ParserThread();

function parseOffThread(sources: readonly PolicySource[]): Promise<ParseResult[]> {
  if (sources.length === 0) return Promise.resolve([]);
  // Run from the TypeScript sources (tests) there is no compiled worker to start: parse here.
  if (!import.meta.url.endsWith('.js')) return Promise.resolve(sources.map(parsePolicySource));
  return parserThread.parse(sources);
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
