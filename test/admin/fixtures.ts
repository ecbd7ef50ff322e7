// A real admin server on an ephemeral port over a real store, for the API, SSE and CLI tests.
import { afterEach } from 'vitest';
import { approvalRoutes, createAdminServer, eventsRoute } from '../../src/admin/index.js';
import { directory, log, setup } from '../approvals/fixtures.js';

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of running.splice(0)) await close();
});

export async function adminServer(options: { allowed_hosts?: string[] } = {}) {
  const { approvals, store } = await setup();
  const admin = createAdminServer({
    admin: { host: '127.0.0.1', port: 0, allowed_hosts: options.allowed_hosts ?? [] },
    reviewers: directory,
    log,
    routes: [...approvalRoutes(approvals), eventsRoute(approvals, { heartbeatMs: 50 })],
  });
  const url = await admin.listen();
  running.push(() => admin.close());
  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string>) },
    });
  return { url, api, approvals, store };
}
