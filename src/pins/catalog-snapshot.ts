// A one-shot listing of each configured upstream's tools for the command line (`pins`, `surfaces`):
// connect with the SDK Client, list every page, close. The gateway keeps live connections in
// src/upstream; this stands in for its catalog where no gateway runs. Results are untrusted: the
// tools are read as raw JSON so that a malformed tool is vetted and flagged, not fatal to the list.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isStdioUpstream, type UpstreamConfig } from '../config/index.js';
import { parseDuration } from '../core/index.js';
import { PinError } from './errors.js';

const MAX_PAGES = 100;
const STDERR_TAIL = 2000;

// Untrusted: only the envelope is checked here; each tool is vetted later.
const ToolPageSchema = z.looseObject({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });

export interface ToolLister {
  /** Every tool the upstream lists now, across pages (raw, untrusted). */
  list(): Promise<unknown[]>;
  /** Called when the upstream sends notifications/tools/list_changed. */
  onListChanged(handler: () => void): void;
  close(): Promise<void>;
}

export async function openToolLister(name: string, config: UpstreamConfig): Promise<ToolLister> {
  const timeout = parseDuration(config.timeout);
  const client = new Client({ name: 'toolgate-pins', version: '0.1.0' });
  const { transport, stderrTail } = transportFor(config);
  try {
    await client.connect(transport, { timeout });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new PinError('catalog_failed', `upstream ${name}: cannot connect: ${(err as Error).message}${stderrTail()}`, { cause: err });
  }
  return {
    async list() {
      const tools: unknown[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        let result: z.infer<typeof ToolPageSchema>;
        try {
          result = await client.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, ToolPageSchema, { timeout });
        } catch (err) {
          throw new PinError('catalog_failed', `upstream ${name}: tools/list failed: ${(err as Error).message}${stderrTail()}`, { cause: err });
        }
        tools.push(...result.tools);
        cursor = result.nextCursor;
        if (!cursor) return tools;
      }
      throw new PinError('catalog_failed', `upstream ${name}: tools/list has more than ${MAX_PAGES} pages`);
    },
    onListChanged(handler) {
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => handler());
    },
    close: () => client.close(),
  };
}

/** Lists every configured upstream; an upstream that fails is reported, not fatal. */
export async function snapshotCatalog(
  upstreams: Record<string, UpstreamConfig>,
): Promise<Array<{ upstream: string; tools: unknown[] } | { upstream: string; error: string }>> {
  return Promise.all(
    Object.entries(upstreams).map(async ([upstream, config]) => {
      try {
        const lister = await openToolLister(upstream, config);
        try {
          return { upstream, tools: await lister.list() };
        } finally {
          await lister.close();
        }
      } catch (err) {
        return { upstream, error: (err as Error).message };
      }
    }),
  );
}

function transportFor(config: UpstreamConfig): { transport: Transport; stderrTail: () => string } {
  if (!isStdioUpstream(config)) {
    return { transport: new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } }), stderrTail: () => '' };
  }
  const env = Object.fromEntries(Object.entries({ ...process.env, ...config.env }).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({ command: config.command, args: config.args, env, cwd: config.cwd, stderr: 'pipe' });
  let tail = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  return { transport, stderrTail: () => (tail.trim() ? `\n  upstream stderr: ${tail.trim()}` : '') };
}
