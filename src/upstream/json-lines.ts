// Newline-delimited JSON-RPC over a pair of streams, as an SDK Transport: the framing of MCP's
// stdio transport. The SDK's ReadBuffer validates every message with zod; on the gateway's hot
// path only the envelope is checked here, and the receiving session or peer handles the rest.
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { traceInput, traceStage } from '../core/stage-trace.js';

const MAX_LINE_BYTES = 64 * 1024 * 1024;

export class JsonLinesTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** A line that is not one JSON-RPC message (undefined when it is not JSON): the gateway answers such lines from clients. */
  onunreadable?: (value: unknown) => void;

  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Whether the output is corked until the end of this turn of the event loop. */
  private corked = false;
  private closed = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {}

  start(): Promise<void> {
    this.input.on('data', (chunk: Buffer) => this.read(chunk));
    this.input.on('error', (err) => this.onerror?.(err));
    this.input.once('end', () => void this.close());
    this.output.on('error', (err) => this.onerror?.(err));
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.output.destroyed) return Promise.reject(new Error('the stream is closed'));
    // Messages sent in one turn of the event loop leave in one write (corked until the turn ends):
    // calls released together by a group commit of their receipts cost one system call, not one each.
    // Backpressure is left to the pipe: waiting for 'drain' per message costs more than it saves.
    if (!this.corked) {
      this.corked = true;
      this.output.cork();
      process.nextTick(this.uncork);
    }
    this.output.write(`${JSON.stringify(message)}\n`);
    return Promise.resolve();
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.output.uncork();
    traceStage('lines written to the pipe');
  };

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.input.removeAllListeners('data');
    this.onclose?.();
    return Promise.resolve();
  }

  private read(chunk: Buffer): void {
    traceInput('bytes read from the pipe');
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, end);
      const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      start = end + 1;
      this.deliver(line.toString('utf8'));
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        this.pending = [];
        this.pendingBytes = 0;
        this.onerror?.(new Error(`a message exceeded ${MAX_LINE_BYTES} bytes and was dropped`));
      }
    }
  }

  /** Untrusted: one line from the other side. A line that is not JSON-RPC is reported and skipped. */
  private deliver(line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.onerror?.(new Error('a line that is not JSON was skipped'));
      this.onunreadable?.(undefined);
      return;
    }
    if (!isEnvelope(message)) {
      this.onerror?.(new Error('a message that is not JSON-RPC 2.0 was skipped'));
      this.onunreadable?.(message);
      return;
    }
    this.onmessage?.(message);
  }
}

/** The JSON-RPC 2.0 envelope: a request, a notification or a response. */
export function isEnvelope(value: unknown): value is JSONRPCMessage {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return false;
  const idOk = typeof m.id === 'string' || typeof m.id === 'number';
  if (typeof m.method === 'string') return m.id === undefined || idOk;
  return idOk && ('result' in m || 'error' in m);
}
