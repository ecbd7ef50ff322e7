// GET /metrics on the admin listener: Prometheus text for a reviewer's token or for the scraper
// token (admin.metrics_token_sha256), which opens this route and nothing else.
import type { Reviewer, ReviewerDirectory } from '../approvals/index.js';
import { bearerToken, HttpError, type Route, TokenTable } from '../http/index.js';
import type { GatewayMetrics } from './metrics.js';

export interface MetricsRouteOptions {
  reviewers: ReviewerDirectory;
  /** sha256 hex of the scraper-only token, when configured. */
  metricsTokenSha256?: string;
}

export function metricsRoute(metrics: GatewayMetrics, options: MetricsRouteOptions): Route<Reviewer> {
  const scraper = new TokenTable(options.metricsTokenSha256 ? [{ token_sha256: options.metricsTokenSha256, holder: 'scraper' }] : []);
  return {
    method: 'GET',
    path: '/metrics',
    // The listener only knows reviewer tokens; this route also accepts the scraper's, so it checks itself.
    auth: 'public',
    async handle({ req, res }) {
      const token = bearerToken(req);
      if (!token) throw new HttpError('unauthorized', 'a reviewer or metrics token is required: Authorization: Bearer <token>');
      if (!scraper.find(token) && !options.reviewers.authenticate(token))
        throw new HttpError('unauthorized', 'the token is neither a reviewer token nor the metrics token');
      const text = await metrics.text();
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return undefined;
    },
  };
}
