// Break-glass: bounded windows, opened and confirmed by reviewers with the right, that let refused or
// held calls through, and reviewed afterwards; their admin routes and the receipt drafts of each step.
export { BreakGlass, EXPIRY_ACTOR, isActive } from './windows.js';
export type { BreakGlassOptions, BreakGlassRecorder } from './windows.js';
export { BreakGlassError, BreakGlassWindowSchema, OpenRequestSchema, BREAK_GLASS_RIGHT } from './schema.js';
export type { BreakGlassWindow, OpenRequest, BreakGlassErrorCode } from './schema.js';
export { breakGlassRoutes } from './routes.js';
export { breakGlassDraft } from './receipt.js';
