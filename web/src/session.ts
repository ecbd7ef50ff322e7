// The reviewer token lives in sessionStorage only: gone when the tab closes, never in a URL or a
// cookie, and sent only as an Authorization header (so other sites cannot ride on it: no CSRF).
const KEY = 'toolgate.reviewer-token';

export function token(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(value: string): void {
  sessionStorage.setItem(KEY, value);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
