// Pages of a long listing (tools/list, tasks/list): clients ask page after page with the cursor of the last
// one. A cursor is opaque to clients: here, the offset of the page it starts. A catalog that
// changes between pages is announced with list_changed, after which clients list again.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/** Tools per page: a large catalog is paged, a usual one (tens of tools) comes in one page. */
export const PAGE_SIZE = 500;
const PREFIX = 'toolgate-offset:';

/** Untrusted: the client's cursor; one the gateway did not give is invalid params. */
export function page<T>(items: readonly T[], cursor: unknown, method = 'tools/list'): { items: readonly T[]; nextCursor?: string } {
  const start = cursor === undefined ? 0 : offsetOf(cursor, method);
  const end = start + PAGE_SIZE;
  if (start === 0 && end >= items.length) return { items };
  const next = end < items.length ? { nextCursor: Buffer.from(`${PREFIX}${end}`).toString('base64url') } : {};
  return { items: items.slice(start, end), ...next };
}

function offsetOf(cursor: unknown, method: string): number {
  const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString() : '';
  const offset = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset <= 0) throw new McpError(ErrorCode.InvalidParams, `${method}: the cursor is not one toolgate gave`);
  return offset;
}
