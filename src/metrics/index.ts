// Observability of the running gateway: Prometheus metrics on a registry of their own, the admin
// route that serves them, and the structured fields of the one log line per call.
export { GatewayMetrics } from './metrics.js';
export type { ShadowObservation } from './metrics.js';
export { metricsRoute } from './route.js';
export { callLogger } from './call-log.js';
export type { CallLogOptions } from './call-log.js';
