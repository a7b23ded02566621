/**
 * The API reference in a real browser: Debian's Chromium, headless, driven by
 * puppeteer-core, opens <apiUrl>/docs/ on the local cloud of the global setup
 * and checks what Swagger UI rendered from docs/openapi.json: the title, every
 * operation of the document, one operation opened from its row (with the deep
 * link in the address bar), and that no request went anywhere but this
 * machine. One browser and one page load for the file. Without
 * /usr/bin/chromium the tests fail, naming the package.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const RENDER_TIMEOUT = 60_000;
const { apiUrl } = inject('localCloud');

/** The browser's document, as the callbacks run in the page use it (the project compiles without the DOM library). */
interface BrowserElement {
  querySelector(selector: string): BrowserElement | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): ArrayLike<BrowserElement> & Iterable<BrowserElement>;
  body: { innerText: string };
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const openapi = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
  info: { title: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>;
};
const operations = Object.entries(openapi.paths).flatMap(([p, item]) =>
  Object.entries(item).filter(([m]) => HTTP_METHODS.includes(m)).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, method: m, path: p, ...op })));
/** The document's domains, in its order: Swagger UI lists one section each. */
const tags = openapi.tags.map((t) => t.name);

/** In-memory URLs (data:, blob: of the page's own origin) never touch the network. */
function isLocal(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'data:') return true;
  if (u.protocol === 'blob:') return isLocal(url.slice('blob:'.length));
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(u.hostname);
}

let browser: Browser;
let userDataDir: string;
const requests: string[] = [];
const problems: string[] = [];

/** A page that records every request, script error, console error and failed request it causes. */
async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  return page;
}

/**
 * Waits until Swagger UI rendered every domain (tag) of the document, collapsed, or shows its error box (a
 * document that failed to load or to resolve); the failure names what the page showed.
 */
async function openReference(page: Page): Promise<void> {
  await page.goto(`${apiUrl}/docs/`, { waitUntil: 'load' });
  const fail = async (why: string) => {
    const shown = await page.evaluate(() => document.body.innerText.slice(0, 800));
    return new Error(`the API reference did not render: ${why}\n${problems.join('\n')}\npage text: ${shown}`);
  };
  try {
    await page.waitForFunction((n) => document.querySelectorAll('.swagger-ui .opblock-tag').length >= n || document.querySelector('.swagger-ui .errors-wrapper'),
      { timeout: RENDER_TIMEOUT, polling: 100 }, tags.length);
  } catch {
    throw await fail(`fewer than ${tags.length} domains after ${RENDER_TIMEOUT / 1000} s`);
  }
  if (await page.$('.swagger-ui .errors-wrapper')) throw await fail('Swagger UI shows errors');
}

/** Opens (or closes) a domain's section as a reader does, by its heading. */
const toggleTag = (page: Page, tag: string) => page.evaluate((t) => (document.querySelector(`.swagger-ui .opblock-tag[data-tag="${t}"]`) as unknown as { click(): void }).click(), tag);

/** The operations Swagger UI shows, as `METHOD /path`. */
const shownOperations = (page: Page) => page.$$eval('.swagger-ui .opblock', (blocks) => blocks.map((b) =>
  `${b.querySelector('.opblock-summary-method')?.textContent?.trim()} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium), as .ci/run does`);
  }
  userDataDir = mkdtempSync(path.join(tmpdir(), 'onestop-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    // `headless: true` adds --headless; the rest keeps Chromium off the network and out of the sandbox it cannot have here.
    headless: true,
    userDataDir,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('API reference at /docs/', () => {
  let page: Page;

  it('renders the document\'s title and every one of its operations', async () => {
    expect(openapi.info.title).toBe('OneStop API');
    expect(operations.length).toBeGreaterThan(10);
    page = await newPage();
    await openReference(page);

    const title = await page.$eval('.swagger-ui .information-container .title', (e) => e.textContent ?? '');
    expect(title).toContain('OneStop API');
    // Every domain listed, collapsed; opened one at a time, each shows its operations, and together all of the document's.
    expect(await page.$$eval('.swagger-ui .opblock-tag', (hs) => hs.map((h) => h.getAttribute('data-tag')))).toEqual(tags);
    expect(await shownOperations(page)).toEqual([]);
    const rendered: string[] = [];
    for (const tag of tags) {
      await toggleTag(page, tag);
      await page.waitForFunction((n) => document.querySelectorAll('.swagger-ui .opblock').length >= n, { timeout: 10_000 }, operations.filter((o) => o.tags?.[0] === tag).length);
      rendered.push(...(await shownOperations(page)));
      await toggleTag(page, tag);
      await page.waitForFunction(() => document.querySelectorAll('.swagger-ui .opblock').length === 0, { timeout: 10_000 });
    }
    expect(rendered).toHaveLength(operations.length);
    expect(rendered.sort()).toEqual(operations.map((o) => o.key).sort());
    expect(problems).toEqual([]);
  }, RENDER_TIMEOUT + 30_000);

  it('opens an operation from its row: its details show and the address bar links to it', async () => {
    // Swagger UI's deep link names the operationId (an operation without one gets a made-up id).
    const op = operations.findLast((o) => o.operationId)!;
    await toggleTag(page, op.tags![0]!);
    const block = await page.waitForSelector(`.opblock-${op.method}:has(.opblock-summary-path[data-path="${op.path}"])`);
    await (await block!.$('.opblock-summary-control'))!.click();
    await page.waitForFunction((p) => {
      const open = [...document.querySelectorAll('.opblock.is-open')].find((b) => b.querySelector(`.opblock-summary-path[data-path="${p}"]`));
      return open?.querySelector('.opblock-body .responses-wrapper');
    }, { timeout: 10_000 }, op.path);
    const headings = await block!.$$eval('.opblock-body .opblock-section-header h4', (hs) => hs.map((h) => h.textContent?.trim()));
    expect(headings).toContain('Responses');
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/${op.tags?.[0] ?? 'default'}/${op.operationId}`);
  });

  it('made no request that left this machine, and nothing failed', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining([`${apiUrl}/docs/`, `${apiUrl}/docs/openapi.json`, `${apiUrl}/docs/swagger-ui/swagger-ui-bundle.js`]));
    expect(problems).toEqual([]);
  });
});
