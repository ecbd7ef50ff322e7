// The period of a review or replay from the command line: "--since 7d" (ago) or a date, "--until"
// likewise, defaulting to now.
import { parseDuration } from '../core/duration.js';
import { ReportError } from './errors.js';

/** A duration ago ("7d") or an ISO 8601 date/time. */
export function parseInstant(text: string, now: Date, flag: string): Date {
  if (/^\d+(ms|s|m|h|d)$/.test(text.trim())) return new Date(now.getTime() - parseDuration(text));
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new ReportError('bad_period', `${flag} ${JSON.stringify(text)}: expected a duration ago (7d, 12h) or an ISO date (2026-01-31, 2026-01-31T12:00:00Z)`);
  return new Date(t);
}

export function parsePeriod(since: string, until: string | undefined, now: Date = new Date()): { since: Date; until: Date } {
  const period = { since: parseInstant(since, now, '--since'), until: until === undefined ? now : parseInstant(until, now, '--until') };
  if (period.since >= period.until)
    throw new ReportError('bad_period', `--since (${period.since.toISOString()}) must come before --until (${period.until.toISOString()})`);
  return period;
}
