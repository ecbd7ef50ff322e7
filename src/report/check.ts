// `toolgate report --check`: what the review shows that must not wait. Today that is a break-glass
// window left unreviewed longer than break_glass.review_within after it opened, judged at the end
// of the period; each problem is one line.
import { parseDuration } from '../core/duration.js';
import type { Review } from './review.js';

const DAY_MS = 86_400_000;

/** One line per problem; none when the review passes. `reviewWithin` is the config's duration text. */
export function reviewProblems(review: Review, reviewWithin: string): string[] {
  const limitMs = parseDuration(reviewWithin);
  const at = Date.parse(review.period.until);
  return review.break_glass_unreviewed.flatMap((w) => {
    // A window whose opening is not in the ledger is older than anything the ledger holds: overdue.
    const ageMs = w.opened_at ? at - Date.parse(w.opened_at) : Infinity;
    if (ageMs <= limitMs) return [];
    const age = Number.isFinite(ageMs) ? `${(ageMs / DAY_MS).toFixed(1)} days` : 'its opening (before the ledger)';
    return [
      `break-glass window ${w.id} opened ${w.opened_at ?? '(before the ledger)'} by ${w.opened_by} is not reviewed after ${age} (break_glass.review_within: ${reviewWithin})`,
    ];
  });
}
