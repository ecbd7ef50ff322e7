// Stands in for pipenet (see package.json): mcp-proxy imports it for --tunnel, which the bench never
// uses. Opening a tunnel says so instead of failing somewhere less clear.
export async function pipenet() {
  throw new Error('pipenet is replaced by a stub in toolgate (package.json overrides): mcp-proxy --tunnel is not available here');
}
