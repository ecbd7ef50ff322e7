// A policy reload can change which tools a principal is shown (hide_denied_tools): the sessions of
// every principal for whom some listed tool changed are told the tool list changed, as when an
// upstream's tools change; clients of the 2026-07-28 revision hear it on their subscriptions/listen
// streams (through their internal sessions, which are sessions like any other).
import type { Principal } from '../core/index.js';
import type { GatewayContext } from './context.js';

/** Whether a principal is shown a tool differently now than before the change. */
export type ShownChange = (principal: Principal, server: string, tool: string) => boolean;

export function announceShownChange(ctx: Pick<GatewayContext, 'catalog' | 'sessions'>, changed: ShownChange): void {
  const affected = new Map<string, boolean>();
  for (const session of ctx.sessions) {
    const { principal } = session;
    let differs = affected.get(principal.id);
    if (differs === undefined) {
      differs = ctx.catalog.entries().some((entry) => changed(principal, entry.upstream.name, entry.tool.name));
      affected.set(principal.id, differs);
    }
    if (differs) session.notify({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
  }
}
