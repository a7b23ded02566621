/**
 * What the static site is made of, read by both hosts that serve it: the local
 * cloud (local/web.ts) and CloudFront (infra/constructs/web-site.ts). The pages
 * are the files under web/; the API reference also needs the OpenAPI document
 * (docs/openapi.json, written by `npm run docs`) and Swagger UI from its npm
 * package. Those two are mapped in rather than copied into web/, so the
 * repository keeps one copy of each and the lockfile pins the renderer.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(WEB_ROOT);

/**
 * Swagger UI's files the reference loads, under the names the site gives them. The bundle's
 * first line points to its LICENSE.txt, and Apache-2.0 asks to pass the licence and NOTICE on
 * with the code; `.txt` names let every host serve them as text.
 */
export const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'swagger-ui-bundle.js',
  'swagger-ui-bundle.js.LICENSE.txt': 'swagger-ui-bundle.js.LICENSE.txt',
  'swagger-ui.css': 'swagger-ui.css',
  'LICENSE.txt': 'LICENSE',
  'NOTICE.txt': 'NOTICE',
};

/**
 * Site path (relative, `/`-separated, e.g. `docs/index.html`) → absolute file. Only regular
 * files: TypeScript sources (this module), dotfiles and symbolic links under the root are
 * not part of the site.
 */
export function siteFiles(root: string = WEB_ROOT): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const sitePath = path.relative(root, file).split(path.sep).join('/');
    if (sitePath.endsWith('.ts') || sitePath.split('/').some((segment) => segment.startsWith('.'))) continue;
    files.set(sitePath, file);
  }
  files.set('docs/openapi.json', path.join(repoRoot, 'docs', 'openapi.json'));
  const swaggerUi = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  for (const [name, source] of Object.entries(SWAGGER_UI_FILES)) files.set(`docs/swagger-ui/${name}`, path.join(swaggerUi, source));
  return files;
}
