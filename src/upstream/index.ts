// Upstreams: connections to the MCP servers toolgate wraps, their lifecycle, and tool naming.
export { Upstream } from './upstream.js';
export type { Source, UpstreamClient, UpstreamEvents, UpstreamState, UpstreamTool } from './upstream.js';
export { ToolCatalog } from './catalog.js';
export type { CatalogEntry } from './catalog.js';
export { UpstreamError, UpstreamRpcError, fateOf } from './errors.js';
export { JsonLinesTransport, isEnvelope } from './json-lines.js';
