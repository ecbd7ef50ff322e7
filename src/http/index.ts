// The HTTP edge every listener shares (the MCP listener, the admin API and the routes other areas
// add to it): Host/Origin guards, bearer tokens checked in constant time, bounded bodies, the
// error-to-status table and the routing seam. It sits at the bottom: it imports only core/.
export { HttpError, errorReply } from './errors.js';
export type { ErrorReply } from './errors.js';
export { bearerToken, TokenTable } from './tokens.js';
export { hostGuard } from './guards.js';
export { isJson, readBody, readJson } from './body.js';
export { Router } from './router.js';
export type { Route, RequestContext } from './router.js';
export { sendJson } from './reply.js';
