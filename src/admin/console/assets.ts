// The console's static assets (built by web/build.mjs into dist/console/) served by the admin
// listener. The shell needs no token: it shows only the sign-in until the reviewer's token works.
// Every asset carries a strict CSP, so even a rendering bug could not run injected script.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import type { Reviewer } from '../../approvals/index.js';
import { HttpError, type Route } from '../../http/index.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers on every console asset. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** dist/console, whether this file runs from dist/admin/console or (in tests) src/admin/console. */
export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

const FILES: Array<[path: string, file: string, type: string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/index.html', 'index.html', 'text/html; charset=utf-8'],
  ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
  ['/console.css', 'console.css', 'text/css; charset=utf-8'],
];

function sendAsset(res: ServerResponse, body: Buffer, type: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' });
  res.end(body);
}

/** Public routes for the page shell and its assets, read once from `dir`. */
export function assetRoutes(dir: string = DEFAULT_ASSETS_DIR): Route<Reviewer>[] {
  return FILES.map(([path, file, type]): Route<Reviewer> => {
    let body: Buffer | undefined;
    return {
      method: 'GET',
      path,
      auth: 'public',
      async handle({ res }) {
        try {
          body ??= readFileSync(join(dir, file));
        } catch {
          throw new HttpError('not_found', `the reviewer console is not built (${join(dir, file)} is missing): run npm run build`);
        }
        sendAsset(res, body, type);
        return undefined;
      },
    };
  });
}
