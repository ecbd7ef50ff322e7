// The periodic review of the ledger: each call once, per surface, principal and class against the
// previous period with material changes flagged; the policy changes beside the rates they moved;
// constraint usage; approval integrity; every break-glass use; and the check of what must not wait
// (unreviewed windows).
export { buildReview } from './review.js';
export { rateFigure, volumeMaterial } from './rates.js';
export { reviewProblems } from './check.js';
export type { Review, ReviewOptions } from './review.js';
export type { ClassOf } from './collect.js';
export { formatReview } from './format.js';
export { parsePeriod } from './period.js';
export { ReportError } from './errors.js';
export type { ReportFormat } from './format.js';
export { scanReceipts } from './scan.js';
export type { ScannedReceipt } from './scan.js';
