// Break-glass: bounded windows, opened and confirmed by reviewers with the right, that let refused or
// held calls through, and reviewed afterwards; their admin routes and the receipt drafts of each step.
export { BreakGlass, EXPIRY_ACTOR } from './windows.js';
export type { BreakGlassWindow } from './schema.js';
export { breakGlassRoutes } from './routes.js';
export { breakGlassDraft } from './receipt.js';
