/**
 * The local cloud's static web pages (local/web.ts) over a site laid out in a
 * temporary directory: index pages, content types and caching, the trailing
 * slash, no way out of the site (traversal, symbolic links, dotfiles, sources),
 * API routes taking precedence on the shared port, and the real site of
 * web/site.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../local/api/server.ts';
import type { LocalAuthorizer } from '../../../local/auth/authorizer.ts';
import { contentTypeOf, webPages } from '../../../local/web.ts';
import { siteFiles, WEB_ROOT } from '../../../web/site.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'onestop-web-'));
const root = path.join(dir, 'web');
const write = (file: string, content: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
};
write(path.join(dir, 'secret.txt'), 'outside the site');
write(path.join(root, 'index.html'), '<h1>landing</h1>');
write(path.join(root, 'docs/index.html'), '<h1>reference</h1>');
write(path.join(root, 'docs/init.js'), 'init();');
write(path.join(root, 'site.css'), 'body {}');
write(path.join(root, 'favicon.svg'), '<svg/>');
write(path.join(root, 'data.bin'), 'bytes');
write(path.join(root, '.env'), 'SECRET=1');
write(path.join(root, 'site.ts'), 'export {};');
symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link.txt'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const serve = webPages(() => siteFiles(root));
const header = (result: { headers: [string, string][] } | undefined, name: string) => result?.headers.find(([k]) => k === name)?.[1];

describe('pages', () => {
  it.each([
    ['/', '<h1>landing</h1>'],
    ['/docs/', '<h1>reference</h1>'],
    ['/docs/index.html', '<h1>reference</h1>'],
    ['/index.html', '<h1>landing</h1>'],
  ])('GET %s', async (p, body) => {
    const page = await serve('GET', p);
    expect(page?.status).toBe(200);
    expect(page?.body.toString()).toBe(body);
    expect(header(page, 'content-type')).toBe('text/html; charset=utf-8');
    expect(header(page, 'cache-control')).toBe('no-cache');
    expect(header(page, 'x-content-type-options')).toBe('nosniff');
  });

  it.each([
    ['/docs/init.js', 'text/javascript; charset=utf-8'],
    ['/site.css', 'text/css; charset=utf-8'],
    ['/favicon.svg', 'image/svg+xml'],
    ['/data.bin', 'application/octet-stream'],
    ['/docs/openapi.json', 'application/json'],
    ['/docs/swagger-ui/swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['/docs/swagger-ui/LICENSE.txt', 'text/plain; charset=utf-8'],
  ])('%s is %s', async (p, type) => {
    expect(header(await serve('GET', p), 'content-type')).toBe(type);
  });

  it('answers HEAD like GET (the server leaves the body out) and nothing else', async () => {
    expect((await serve('HEAD', '/docs/'))?.status).toBe(200);
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) expect(await serve(method, '/docs/'), method).toBeUndefined();
  });

  it('redirects a directory named without its slash, so the page\'s relative links resolve', async () => {
    const page = await serve('GET', '/docs');
    expect(page?.status).toBe(301);
    expect(header(page, 'location')).toBe('/docs/');
  });

  it('knows nothing else', async () => {
    for (const p of ['/nothing', '/docs/nothing.js', '/docs/swagger-ui/', '/docs/swagger-ui/swagger-ui-bundle.js.map']) expect(await serve('GET', p), p).toBeUndefined();
  });
});

describe('no way out of the site', () => {
  it.each([
    '/../secret.txt',
    '/docs/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/docs/%2e%2e/%2e%2e/secret.txt',
    '/docs/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/docs/..%5c..%5csecret.txt',
    `/${encodeURIComponent(path.join(dir, 'secret.txt'))}`,
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/docs/./index.html',
    '/docs//index.html',
    '/docs/index.html%00.txt',
    '/%E0%A4%A',
  ])('%s → not served', async (p) => {
    expect(await serve('GET', p)).toBeUndefined();
  });

  it('serves no symbolic link, dotfile or source module from the web root', async () => {
    for (const p of ['/link.txt', '/.env', '/site.ts']) expect(await serve('GET', p), p).toBeUndefined();
  });
});

describe('on the API port', () => {
  let server: ApiServer;
  let base: string;
  beforeAll(async () => {
    server = await startApiServer(0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
    server.attach({
      api: {
        logicalId: 'Api', apiId: 'api', stage: '$default',
        routes: [{ logicalId: 'R', routeKey: 'GET /docs/openapi.json', method: 'GET', path: '/docs/openapi.json', functionId: 'Fn', authorizationScopes: [] }],
      },
      authorizer: {} as LocalAuthorizer,
      invoke: async () => ({ statusCode: 200, body: 'from the API' }),
      local: async () => undefined,
      web: serve,
      log: () => {},
    });
  });
  afterAll(() => server.stop());

  it('serves pages where no route matches, and the route where one does', async () => {
    const page = await fetch(`${base}/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<h1>reference</h1>');
    expect(await (await fetch(`${base}/docs/openapi.json`)).text()).toBe('from the API');
    const missing = await fetch(`${base}/docs/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Not Found' });
    const head = await fetch(`${base}/`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String('<h1>landing</h1>'.length));
    expect(await head.text()).toBe('');
  });

  it('keeps the traversal out over HTTP too (a raw path, as no client normalizes it)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/docs/../../secret.txt' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(status).toBe(404);
  });
});

describe('the site of web/site.ts', () => {
  it('holds the landing page, the reference, its document and Swagger UI with its licence, the supervision wall, and no source module', () => {
    const files = siteFiles();
    expect([...files.keys()]).toEqual(expect.arrayContaining([
      'index.html', 'docs/index.html', 'docs/init.js', 'docs/openapi.json',
      'docs/swagger-ui/swagger-ui-bundle.js', 'docs/swagger-ui/swagger-ui.css', 'docs/swagger-ui/LICENSE.txt', 'docs/swagger-ui/NOTICE.txt',
      'wall/index.html', 'wall/wall.js', 'wall/wall.css',
    ]));
    expect(files.get('docs/openapi.json')).toBe(path.join(path.dirname(WEB_ROOT), 'docs', 'openapi.json'));
    expect([...files.keys()].filter((k) => k.endsWith('.ts'))).toEqual([]);
    for (const key of files.keys()) expect(contentTypeOf(key), key).not.toBe('application/octet-stream');
  });
});
