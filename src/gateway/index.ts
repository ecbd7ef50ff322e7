// The gateway: the MCP server clients talk to, in front of the upstreams, handing calls to the gate.
export { startGateway } from './gateway.js';
export type { Gateway, GatewayOptions } from './gateway.js';
