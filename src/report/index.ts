// The periodic review of the ledger: per-surface outcome rates against the previous period with
// material changes flagged, approval latency, expired holds, voided approvals, every break-glass use,
// and the check of what must not wait (unreviewed windows).
export { buildReview, rateFigure, volumeMaterial } from './review.js';
export { reviewProblems } from './check.js';
export type { Review } from './review.js';
export { formatReview } from './format.js';
export { parsePeriod } from './period.js';
export type { ReportFormat } from './format.js';
export { scanReceipts } from './scan.js';
export type { ScannedReceipt } from './scan.js';
