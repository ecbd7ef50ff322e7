// Calls to the admin API: JSON over fetch with the reviewer token as a bearer header. A 401 signs the
// reviewer out (the token was revoked or mistyped) and the page falls back to the sign-in.
import { signOut, token } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Fired when the reviewer signs in or out: the page re-routes. */
export const SESSION_CHANGED = 'toolgate:session';

/** Untrusted: the server's error body; pick a message out of the shapes an API may use. */
function messageOf(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; message?: unknown };
    if (typeof b.error === 'string') return b.error;
    if (b.error && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') {
      return (b.error as { message: string }).message;
    }
    if (typeof b.message === 'string') return b.message;
  }
  return fallback;
}

export function authHeaders(candidate?: string): Record<string, string> {
  const t = candidate ?? token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(init.token) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
    cache: 'no-store',
    credentials: 'omit',
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.status === 401 && init.token === undefined) {
    signOut();
    window.dispatchEvent(new Event(SESSION_CHANGED));
  }
  if (!res.ok) throw new ApiError(res.status, messageOf(body, `${res.status} ${res.statusText}`));
  return body as T;
}

/** A query string from the non-empty fields. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
