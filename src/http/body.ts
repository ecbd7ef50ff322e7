// Request bodies, bounded in size before anything parses them.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/** Whether a Content-Type names JSON (media types are case-insensitive). */
export function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}

/**
 * Untrusted: the raw body, refused with 413 once it passes `limit` bytes (declared or sent). The
 * refusal closes the connection (HttpError's headers), so what the client still sends is not read.
 */
export function readBody(req: IncomingMessage, limit: number, setting?: string): Promise<Buffer> {
  const tooLarge = () => {
    req.resume();
    return new HttpError('payload_too_large', `request body over ${limit} bytes${setting ? ` (${setting})` : ''}`);
  };
  if (Number(req.headers['content-length']) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      chunks.length = 0;
      req.off('data', onData);
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Untrusted: a JSON body (an empty body is `{}`), bounded, of media type application/json. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  if (!isJson(req.headers['content-type'])) throw new HttpError('unsupported_media_type', 'the request body must be application/json');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError('bad_request', 'the request body is not valid JSON');
  }
}
