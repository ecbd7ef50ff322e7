// The review the console's Review page shows: `toolgate report --format json` for the period the
// query names, read from the ledger in one streaming pass per request.
import type { Reviewer } from '../../approvals/index.js';
import { HttpError, type Route } from '../../http/index.js';
import { buildReview, parsePeriod, ReportError, type ReviewOptions } from '../../report/index.js';
import { parseQuery, ReviewQuerySchema } from './query.js';

export function reviewRoute(ledgerDir: string, clock: () => Date, options: ReviewOptions): Route<Reviewer> {
  return {
    method: 'GET',
    path: '/api/review',
    auth: 'token',
    async handle({ url }) {
      const q = parseQuery(ReviewQuerySchema, url);
      let period: { since: Date; until: Date };
      try {
        period = parsePeriod(q.since, q.until, clock());
      } catch (err) {
        if (err instanceof ReportError) throw new HttpError('bad_request', err.message.replace(/--(since|until)/g, '$1'));
        throw err;
      }
      return { body: await buildReview(ledgerDir, period.since, period.until, options) };
    },
  };
}
