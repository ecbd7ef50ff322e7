// Tool pinning and the surface registry: what each upstream's tools look like as approved, what
// happens when they change (quarantine until a reviewer approves), the pins file, and the report
// of every governed surface with the policy rules that cover it; the admin routes where reviewers
// see and approve drifts, and the receipt draft of an approval.
export { pinOf } from './definition.js';
export { identityOf } from './identity.js';
export type { UpstreamIdentity } from './identity.js';
export { vetTools, MAX_DESCRIPTION_BYTES } from './vet.js';
export type { ToolPinStatus } from './assess.js';
export { PinRegistry } from './registry.js';
export type { PinEvent } from './registry.js';
export { pinStoreOn } from './store.js';
export { loadPinsFile, parsePinsFile, renderPinsFile } from './file.js';
export type { PinsFile } from './file.js';
export { diffDefinitions } from './diff.js';
export { coverageOf } from './coverage.js';
export { surfaceReport, renderSurfaceReport } from './surfaces.js';
export { openToolLister, snapshotCatalog } from './catalog-snapshot.js';
export type { ToolLister } from './catalog-snapshot.js';
export { pinRoutes } from './routes.js';
export { pinApprovalDraft } from './receipt.js';
export { PinError } from './errors.js';
