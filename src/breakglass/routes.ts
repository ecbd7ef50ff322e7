// The admin API's break-glass routes: open, close early, list. Errors of the area become the admin
// API's refusals (403, 400, 404) here, since the admin server only knows its own.
import { AdminError, type Route } from '../admin/index.js';
import { BreakGlassError, type BreakGlassWindow } from './schema.js';
import { isActive, type BreakGlass } from './windows.js';

const ADMIN_CODE = { forbidden: 'forbidden', bad_request: 'bad_request', not_found: 'not_found', not_open: 'bad_request' } as const;

async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BreakGlassError) throw new AdminError(ADMIN_CODE[err.code], err.message, { cause: err });
    throw err;
  }
}

export function breakGlassRoutes(breakGlass: BreakGlass, clock: () => Date = () => new Date()): Route[] {
  const view = (w: BreakGlassWindow) => ({ ...w, active: isActive(w, clock()) });
  return [
    {
      method: 'POST',
      path: '/api/break-glass',
      auth: 'reviewer',
      handle: async (ctx) => ({ status: 201, body: view(await refusing(async () => breakGlass.open(ctx.reviewer!, await ctx.json()))) }),
    },
    {
      method: 'POST',
      path: '/api/break-glass/:id/close',
      auth: 'reviewer',
      handle: async (ctx) => ({ body: view(await refusing(() => breakGlass.close(ctx.reviewer!, ctx.params.id!))) }),
    },
    {
      method: 'GET',
      path: '/api/break-glass',
      auth: 'reviewer',
      handle: async () => ({ body: { windows: (await breakGlass.list()).map(view) } }),
    },
  ];
}
