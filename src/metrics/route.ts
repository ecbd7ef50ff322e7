// GET /metrics on the admin listener: Prometheus text for a reviewer's token or for the scraper
// token (admin.metrics_token_sha256), which opens this route and nothing else.
import { createHash, timingSafeEqual } from 'node:crypto';
import { AdminError, type Route } from '../admin/index.js';
import type { ReviewerDirectory } from '../approvals/index.js';
import type { GatewayMetrics } from './metrics.js';

export interface MetricsRouteOptions {
  reviewers: ReviewerDirectory;
  /** sha256 hex of the scraper-only token, when configured. */
  metricsTokenSha256?: string;
}

export function metricsRoute(metrics: GatewayMetrics, options: MetricsRouteOptions): Route {
  const scraper = options.metricsTokenSha256 ? Buffer.from(options.metricsTokenSha256, 'hex') : undefined;
  return {
    method: 'GET',
    path: '/metrics',
    // The server only knows reviewer tokens; this route also accepts the scraper's, so it checks itself.
    auth: 'public',
    async handle({ req, res }) {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!token) throw new AdminError('unauthorized', 'a reviewer or metrics token is required: Authorization: Bearer <token>');
      const digest = createHash('sha256').update(token, 'utf8').digest();
      const isScraper = scraper !== undefined && timingSafeEqual(scraper, digest);
      if (!isScraper && !options.reviewers.authenticate(token))
        throw new AdminError('unauthorized', 'the token is neither a reviewer token nor the metrics token');
      const text = await metrics.text();
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return undefined;
    },
  };
}
