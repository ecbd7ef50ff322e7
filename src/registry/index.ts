// The surface registry: the file (toolgate.registry/v1) that gives every governed surface a class
// of action, an owner, a risk tier and a review date; the class a policy rule can match; and the
// registry's checks of the surfaces an upstream exposes.
export { DateSchema, REGISTRY_VERSION } from './schema.js';
export type { RegistryClass } from './schema.js';
export { Registry, parseRegistry } from './registry.js';
export type { RegistrySource } from './registry.js';
export { readRegistrySource } from './load.js';
export { surfaceProblems } from './check.js';
export { RegistryError } from './errors.js';
