/**
 * The static web pages on the local cloud's HTTP port (CloudFront serves them
 * in AWS: infra/constructs/web-site.ts): `/` the landing page, `/docs/` the API
 * reference. The server asks here only for requests no API route matched, so a
 * page never shadows a route of the template.
 *
 * Only the files web/site.ts lists are served, looked up by their exact
 * decoded path: `..`, `.`, empty segments or backslashes never name a listed
 * file, so no request reaches a file outside the site. The listing is read per
 * request, so pages added or regenerated (`npm run docs`) show without a restart.
 *
 * The hall display (叫号屏) is addressed by its center, `/hall/<centerId>`: a
 * path under /hall/ that names no file is the hall's page. A page's empty
 * `<meta name="onestop-socket">` gets the local WebSocket API's URL (another
 * port); on AWS the deployment fills it and `onestop-api` (infra/constructs/web-site.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpResult } from './api/payload.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const common: [string, string][] = [
  // Pages change with every edit and every `npm run docs`: the browser revalidates each time.
  ['cache-control', 'no-cache'],
  ['x-content-type-options', 'nosniff'],
];

/**
 * `files` lists the site (site path → file, as web/site.ts's `siteFiles`). The handler answers
 * GET and HEAD of a listed file, of a directory with an index.html (`/` and `/docs/`), and
 * redirects a directory named without its trailing slash; anything else is undefined.
 */
const SOCKET_META = '<meta name="onestop-socket" content="">';
const HALL = /^hall\/[^/]+$/;

export function webPages(files: () => ReadonlyMap<string, string>, opts: { hallSocketUrl?: string } = {}) {
  const withSocket = (key: string, body: Buffer): Buffer => {
    if (!opts.hallSocketUrl || !key.endsWith('.html')) return body;
    const html = body.toString('utf8');
    return html.includes(SOCKET_META) ? Buffer.from(html.replace(SOCKET_META, `<meta name="onestop-socket" content="${opts.hallSocketUrl}">`)) : body;
  };
  return async (method: string, rawPath: string): Promise<HttpResult | undefined> => {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    let sitePath: string;
    try {
      sitePath = decodeURIComponent(rawPath).replace(/^\//, '');
    } catch {
      return undefined;
    }
    const listing = files();
    const named = sitePath === '' || sitePath.endsWith('/') ? `${sitePath}index.html` : sitePath;
    const key = !listing.has(named) && HALL.test(named) ? 'hall/index.html' : named;
    const file = listing.get(key);
    if (!file) {
      // Relative links of an index page (`init.js`) resolve against its directory only with the slash.
      if (listing.has(`${sitePath}/index.html`)) {
        return { status: 301, headers: [['location', `${rawPath}/`], ...common], body: Buffer.alloc(0) };
      }
      return undefined;
    }
    // The type follows the name the site gives the file (as S3 does for the deployed copy), not the source's.
    return { status: 200, headers: [['content-type', contentTypeOf(key)], ...common], body: withSocket(key, await readFile(file)) };
  };
}
