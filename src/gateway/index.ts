// The gateway: the MCP server clients talk to, in front of the upstreams, handing calls to the gate.
export { startGateway } from './gateway.js';
export type { Gateway, GatewayOptions, UpstreamHealth } from './gateway.js';
export type { Visibility } from './context.js';
export type { DrainOutcome } from './in-flight.js';
export { DRAINING_MESSAGE } from './tool-calls.js';
export type { HttpListener } from './http-listener.js';
export { GatewayError } from './errors.js';
