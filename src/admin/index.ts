// The admin HTTP API for reviewers and operators; later features add their routes to the same server.
export { createAdminServer } from './server.js';
export type { AdminServer } from './server.js';
export { approvalRoutes } from './approval-routes.js';
export { eventsRoute } from './events-route.js';
export { readinessRoute } from './readiness.js';
export { checkpointRoute } from './checkpoint-route.js';
