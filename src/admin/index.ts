// The admin HTTP API for reviewers and operators; later features add their routes to the same server.
export { createAdminServer, send } from './server.js';
export type { AdminServer, AdminServerOptions } from './server.js';
export type { Route, RequestContext, Reply } from './router.js';
export { AdminError, errorReply } from './errors.js';
export { approvalRoutes } from './approval-routes.js';
export { eventsRoute } from './events-route.js';
export { approvalView } from './approval-view.js';
