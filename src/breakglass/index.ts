// Break-glass: bounded windows, opened by reviewers with the right, that let refused or held calls
// through; their admin routes and the receipt drafts of opening and closing.
export { BreakGlass, EXPIRY_ACTOR, isActive } from './windows.js';
export type { BreakGlassOptions, BreakGlassRecorder, BreakGlassEvent } from './windows.js';
export { BreakGlassError, BreakGlassWindowSchema, OpenRequestSchema, BREAK_GLASS_RIGHT } from './schema.js';
export type { BreakGlassWindow, OpenRequest, BreakGlassErrorCode } from './schema.js';
export { breakGlassRoutes } from './routes.js';
export { breakGlassDraft } from './receipt.js';
