// A real upstream behind the gate: the outcomes fixture over stdio through the upstream area's own
// connection (the one the gateway uses), and the trace the fixture keeps of what it ran and of the
// cancellations that reached it, so a test can tell what really happened to a call.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { StdioUpstreamSchema } from '../../src/config/schema.js';
import type { ToolCall } from '../../src/gate/index.js';
import { Upstream } from '../../src/upstream/index.js';
import { OUTCOMES_SERVER, readTrace, type Trace } from '../fixtures/outcomes-trace.js';

export interface RealUpstream {
  upstream: Upstream;
  /** A ToolCall's dispatch that calls `tool` on the fixture, as the gateway forwards a tools/call. */
  dispatch(tool: string): ToolCall['dispatch'];
  trace(): Trace[];
  /** Resolves once the trace holds an entry the probe accepts. */
  traced(probe: (t: Trace) => boolean): Promise<Trace>;
  close(): Promise<void>;
}

export async function outcomesUpstream(timeout = '60s'): Promise<RealUpstream> {
  const file = join(mkdtempSync(join(tmpdir(), 'toolgate-outcomes-')), 'trace.jsonl');
  const config = StdioUpstreamSchema.parse({ command: process.execPath, args: [OUTCOMES_SERVER, file], timeout });
  const events = { notification() {}, request: () => Promise.reject(new Error('no client')), toolsChanged() {}, connected() {} };
  const upstream = new Upstream('db', config, events, pino({ level: 'silent' }));
  await upstream.start();
  if (upstream.state !== 'ready') throw new Error(`the outcomes fixture did not start: ${upstream.lastError}`);
  const trace = () => readTrace(file);
  return {
    upstream,
    dispatch: (tool) => (args, signal) => upstream.request('tools/call', { name: tool, arguments: args }, signal),
    trace,
    async traced(probe) {
      for (let i = 0; i < 300; i++) {
        const hit = trace().find(probe);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`the fixture never traced what was expected: ${JSON.stringify(trace())}`);
    },
    close: () => upstream.stop(),
  };
}
