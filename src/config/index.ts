// Configuration: the toolgate.yaml schema, its JSON Schema, and the loader.
export { ConfigSchema, configJsonSchema, isStdioUpstream } from './schema.js';
export type { Config, UpstreamConfig, StdioUpstreamConfig, HttpUpstreamConfig, PrincipalConfig, ReviewerConfig, LogConfig } from './schema.js';
export { loadConfig, parseConfig, ConfigError } from './load.js';
export type { LoadedConfig } from './load.js';
export { canonicalId, sameIdentity, IdentitySchema } from './identity.js';
