// Caching hints on the results the 2026-07-28 revision makes cacheable (docs/gateway.md, "Caching
// hints"). `public` where the answer is the same whoever asks; `private` where it may differ by
// principal: tools/list under hide_denied_tools, anything once an upstream keeps a session per
// client, and resources/read always (its result carries the caller's receipt). Every change toolgate
// learns of is announced at once on subscriptions/listen streams, so lists may be kept a minute;
// what a read returns may change unannounced, and each read is a governed event: never fresh.
import type { GatewayContext } from './context.js';

export interface CacheHint {
  ttlMs: number;
  cacheScope: 'public' | 'private';
}

/** The hints a method's complete result carries; none for methods whose results are not cacheable. */
export type CacheHints = (method: string) => CacheHint | Record<string, never>;

const LIST_TTL_MS = 60_000;

export function cachingHints(ctx: Pick<GatewayContext, 'visibleTo' | 'upstreams'>): CacheHints {
  const perClient = ctx.upstreams.some((u) => u.perClient);
  const list = (personal: boolean): CacheHint => ({ ttlMs: LIST_TTL_MS, cacheScope: personal ? 'private' : 'public' });
  const hints = new Map<string, CacheHint>([
    ['server/discover', list(false)],
    ['tools/list', list(perClient || ctx.visibleTo !== undefined)],
    ['prompts/list', list(perClient)],
    ['resources/list', list(perClient)],
    ['resources/templates/list', list(perClient)],
    ['resources/read', { ttlMs: 0, cacheScope: 'private' }],
  ]);
  return (method) => hints.get(method) ?? {};
}
