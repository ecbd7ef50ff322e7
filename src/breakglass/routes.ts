// The admin API's break-glass routes: open, confirm, review, close early, list. Errors of the area become the HTTP
// edge's refusals (403, 400, 404) here, since the listener only knows its own.
import type { Reviewer } from '../approvals/index.js';
import { HttpError, type Route } from '../http/index.js';
import { BreakGlassError, type BreakGlassWindow } from './schema.js';
import { isActive, type BreakGlass } from './windows.js';

const ADMIN_CODE = { forbidden: 'forbidden', bad_request: 'bad_request', not_found: 'not_found', not_open: 'bad_request' } as const;

async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BreakGlassError) throw new HttpError(ADMIN_CODE[err.code], err.message, { cause: err });
    throw err;
  }
}

export function breakGlassRoutes(breakGlass: BreakGlass, clock: () => Date = () => new Date()): Route<Reviewer>[] {
  const view = (w: BreakGlassWindow) => ({ ...w, active: isActive(w, clock()) });
  return [
    {
      method: 'POST',
      path: '/api/break-glass',
      auth: 'token',
      handle: async (ctx) => ({ status: 201, body: view(await refusing(async () => breakGlass.open(ctx.caller!, await ctx.json()))) }),
    },
    {
      method: 'POST',
      path: '/api/break-glass/:id/confirm',
      auth: 'token',
      handle: async (ctx) => ({ body: view(await refusing(() => breakGlass.confirm(ctx.caller!, ctx.params.id!))) }),
    },
    {
      method: 'POST',
      path: '/api/break-glass/:id/review',
      auth: 'token',
      handle: async (ctx) => ({ body: view(await refusing(async () => breakGlass.review(ctx.caller!, ctx.params.id!, await ctx.json()))) }),
    },
    {
      method: 'POST',
      path: '/api/break-glass/:id/close',
      auth: 'token',
      handle: async (ctx) => ({ body: view(await refusing(() => breakGlass.close(ctx.caller!, ctx.params.id!))) }),
    },
    {
      method: 'GET',
      path: '/api/break-glass',
      auth: 'token',
      handle: async () => ({ body: { windows: (await breakGlass.list()).map(view) } }),
    },
  ];
}
