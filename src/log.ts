// The one logger. It writes to stderr only: in stdio mode stdout belongs to JSON-RPC.
// Argument values and credentials are redacted by default; see `log.arguments` in the config.
// Files and pipes get JSON lines (for machines); a terminal gets one readable line per record.
// The readable form is a few lines written here rather than pino-pretty: it is all a person at a
// terminal needs, and it keeps one more dependency (and its transport thread) out of a gateway.
// TOOLGATE_LOG_FORMAT=json|pretty overrides the choice.
// JSON lines go to fd 2 through our own sonic-boom (not pino.destination()): see stderrLines().
import { randomBytes } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import sonicBoom from 'sonic-boom';

const DEFAULT_REDACT = ['arguments', '*.arguments', 'args', '*.args', 'headers.authorization', '*.headers.authorization', 'token', '*.token', 'env', '*.env'];

export type { Logger };

/** The one destination for fd 2 (created at first use), shared by every logger. */
let stderrSink: DestinationStream | undefined;

export function createLogger(options: { level?: string; redact?: string[] } = {}): Logger {
  return pino(
    {
      name: 'toolgate',
      level: options.level ?? process.env.TOOLGATE_LOG_LEVEL ?? 'info',
      redact: { paths: [...DEFAULT_REDACT, ...(options.redact ?? [])], censor: '[redacted]' },
    },
    readable() ? readableStderr(!process.env.NO_COLOR) : stderrLines(),
  );
}

/** The process-wide logger; `serve` replaces its level from the config. */
export const log: Logger = createLogger();

/**
 * An internal fault: logged with its detail under a new error id, which is all a client or a receipt
 * is told of it (fault text can hold paths, upstream stderr or secrets). Returns the id.
 */
export function logFault(logger: Logger, detail: Record<string, unknown>, message: string, level: 'error' | 'warn' = 'error'): string {
  const errorId = `err_${randomBytes(8).toString('hex')}`;
  logger[level]({ ...detail, error_id: errorId }, message);
  return errorId;
}

/**
 * fd 2, written asynchronously so a slow reader never blocks the event loop, and flushed at exit. Once
 * a write fails (the reader went away: EPIPE), nothing more is written to it and the exit-time flush
 * gives up on an error. pino.destination() cannot promise that: its sonic-boom 4 retries a failed
 * write at exit forever, so a gateway whose log reader died spun instead of exiting.
 */
function stderrLines(): DestinationStream {
  if (stderrSink) return stderrSink;
  const stream = new sonicBoom.SonicBoom({ fd: 2, sync: false });
  let open = true;
  stream.on('error', () => (open = false));
  process.once('exit', () => {
    try {
      if (open) stream.flushSync();
    } catch {
      // Nobody reads these lines any more: there is no one left to tell.
    }
  });
  stderrSink = {
    write: (line: string) => void (open && stream.write(line)),
    flush: (done?: (err?: Error) => void) => (open ? stream.flush(done) : done?.()),
  } as DestinationStream;
  return stderrSink;
}

function readable(): boolean {
  const format = process.env.TOOLGATE_LOG_FORMAT;
  return format === 'pretty' || (format !== 'json' && process.stderr.isTTY === true);
}

const LEVELS: Record<number, [name: string, color: number]> = {
  10: ['TRACE', 90],
  20: ['DEBUG', 36],
  30: ['INFO', 32],
  40: ['WARN', 33],
  50: ['ERROR', 31],
  60: ['FATAL', 35],
};
/** Every record has these; the line shows time, level and message in their own places. */
const FRAME = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** `12:04:05.123 INFO  message key=value ...`, with an error's stack indented below it. */
function readableStderr(color: boolean): DestinationStream {
  return { write: (json: string) => void process.stderr.write(readableLine(JSON.parse(json) as Record<string, unknown>, color)) };
}

function readableLine(record: Record<string, unknown>, color: boolean): string {
  const [name, code] = LEVELS[record.level as number] ?? [String(record.level), 0];
  const level = color ? `\u001b[${code}m${name.padEnd(5)}\u001b[39m` : name.padEnd(5);
  const time = new Date(record.time as number).toISOString().slice(11, 23);
  let stack = '';
  const fields = Object.entries(record)
    .filter(([key]) => !FRAME.has(key))
    .map(([key, value]) => {
      const err = value as { message?: unknown; stack?: unknown } | null;
      if (key === 'err' && typeof err?.stack === 'string') stack = `\n    ${err.stack.split('\n').slice(1).join('\n    ').trim()}`;
      return `${key}=${key === 'err' && typeof err?.message === 'string' ? JSON.stringify(err.message) : shown(value)}`;
    });
  return `${time} ${level} ${String(record.msg ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}${stack}\n`;
}

function shown(value: unknown): string {
  return typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}
