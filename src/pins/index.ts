// Tool pinning and the surface registry: what each upstream's tools look like as approved, what
// happens when they change (quarantine until a reviewer approves), the pins file, and the report
// of every governed surface with the policy rules that cover it; the admin routes where reviewers
// see and approve drifts, and the receipt draft of an approval.
export { pinOf, PINNED_FIELDS, ToolDefinitionSchema } from './definition.js';
export type { ToolDefinition } from './definition.js';
export { identityOf } from './identity.js';
export type { UpstreamIdentity } from './identity.js';
export { vetTools, MAX_DESCRIPTION_BYTES, MAX_TITLE_BYTES, MAX_NAME_LENGTH } from './vet.js';
export type { VettedTool, Flag, FlagCode } from './vet.js';
export { assess, effectivePins } from './assess.js';
export type { PinState, PinAction, PinMode, DriftAction, ToolPinStatus, ApprovedDefinition } from './assess.js';
export { PinRegistry } from './registry.js';
export type { PinEvent, PinListener, PinRegistryOptions } from './registry.js';
export { pinStoreOn } from './store.js';
export type { PinStore } from './store.js';
export type { UpstreamPins, ApprovedPin, PendingDrift } from './record.js';
export { loadPinsFile, parsePinsFile, renderPinsFile, PINS_FILE_VERSION } from './file.js';
export type { PinsFile } from './file.js';
export { diffDefinitions } from './diff.js';
export { coverageOf } from './coverage.js';
export type { RuleCoverage, RuleRef, RuleSummary } from './coverage.js';
export { surfaceReport, renderSurfaceReport } from './surfaces.js';
export type { Surface, SurfaceReport } from './surfaces.js';
export { openToolLister, snapshotCatalog } from './catalog-snapshot.js';
export type { ToolLister } from './catalog-snapshot.js';
export { pinRoutes, PINS_RIGHT } from './routes.js';
export type { PinRoutesOptions } from './routes.js';
export { pinApprovalDraft } from './receipt.js';
export type { PinApproval } from './receipt.js';
export { PinError } from './errors.js';
export type { PinErrorCode } from './errors.js';
