// The one logger. It writes to stderr only: in stdio mode stdout belongs to JSON-RPC.
// Argument values and credentials are redacted by default; see `log.arguments` in the config.
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';

const DEFAULT_REDACT = ['arguments', '*.arguments', 'args', '*.args', 'headers.authorization', '*.headers.authorization', 'token', '*.token', 'env', '*.env'];

export type { Logger };

export function createLogger(options: { level?: string; redact?: string[] } = {}): Logger {
  return pino(
    {
      name: 'toolgate',
      level: options.level ?? process.env.TOOLGATE_LOG_LEVEL ?? 'info',
      redact: { paths: [...DEFAULT_REDACT, ...(options.redact ?? [])], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: false }),
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
