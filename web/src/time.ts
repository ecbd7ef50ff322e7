// Human-readable ages and time left, recomputed each second by the views that show them, on the
// server's clock (learnt from each answer) so a skewed laptop clock does not mislead a reviewer.
let offsetMs = 0;

/** Called with a held call's `created_at` and the `age_ms` the server reported for it just now. */
export function learnServerClock(createdAt: string, ageMs: number): void {
  offsetMs = Date.parse(createdAt) + ageMs - Date.now();
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}
export function span(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function age(iso: string, now = serverNow()): string {
  return span(now - Date.parse(iso));
}

export function left(iso: string, now = serverNow()): string {
  const ms = Date.parse(iso) - now;
  return ms <= 0 ? 'expired' : span(ms);
}

/** Local date and time, to the second. */
export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
