// Observability of the running gateway: Prometheus metrics on a registry of their own, the admin
// route that serves them, and the structured fields of the one log line per call.
export { GatewayMetrics } from './metrics.js';
export type { CallObservation } from './metrics.js';
export { metricsRoute } from './route.js';
export type { MetricsRouteOptions } from './route.js';
export { callLogFields, callLogger, CENSOR } from './call-log.js';
export type { CallLogEntry, CallLogOptions, CallLogFields, CallLogFieldsFn } from './call-log.js';
