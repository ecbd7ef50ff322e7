// The periodic review of the ledger: per-surface outcome rates against the previous period with
// material changes flagged, approval latency, expired holds, and every break-glass use.
export { collect } from './collect.js';
export type { Collected, PeriodFigures, SurfaceFigures, BreakGlassUse } from './collect.js';
export { review, buildReview, rateFigure, volumeMaterial, MATERIAL } from './review.js';
export type { Review, SurfaceReview, RateFigure } from './review.js';
export { formatReview } from './format.js';
export { parsePeriod, parseInstant } from './period.js';
export type { ReportFormat } from './format.js';
export { scanReceipts, segmentFiles } from './scan.js';
export type { ScannedReceipt } from './scan.js';
export { ReportError } from './errors.js';
export type { ReportErrorCode } from './errors.js';
