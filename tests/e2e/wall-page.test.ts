/**
 * The supervision wall (电子监察大屏) in a real browser: Debian's Chromium,
 * headless, driven by puppeteer-core, opens <apiUrl>/wall/ once on the local
 * cloud of the global setup. A case is then accepted due the same day, so the
 * case watcher publishes its warning and supervision cards it: the card must
 * appear on the open page without a reload. A refresh that fails shows the
 * 连接中断 notice, keeping the last data, until the next one succeeds. No
 * request may leave this machine, and the page logs no error.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WallView } from '#schemas/api/supervision';
import { call } from '../integration/api-client.ts';
import { materialsOf } from '../integration/cases-client.ts';
import { immediateItem } from '../integration/documents-client.ts';

const CHROMIUM = '/usr/bin/chromium';
const { apiUrl } = inject('localCloud');
const WALL_DATA = `${apiUrl}/public/supervision/wall`;
const OFFLINE = '连接中断，正在重试';

/** The browser's document and window, as the callbacks run in the page use them (the project compiles without the DOM library). */
interface BrowserElement { textContent: string | null; hidden: boolean }
declare const document: {
  getElementById(id: string): BrowserElement | null;
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): ArrayLike<BrowserElement>;
};
declare const window: Record<string, unknown>;

const isLocal = (url: string) => {
  const u = new URL(url);
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(u.hostname);
};

let browser: Browser;
let userDataDir: string;
let page: Page;
const requests: string[] = [];
const problems: string[] = [];
/** Responses the failure test answers 503 on purpose: Chromium logs each as a console error. */
let deliberateFailures = 0;
/** The card the second test makes: kept on screen through the failed refresh. */
let madeCard: string | undefined;
const cardsShown = () => page.$$eval('#cards tr[data-card-id]', (rows) => rows.map((r) => (r as unknown as { dataset: { cardId: string } }).dataset.cardId));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium), as .ci/run does`);
  userDataDir = mkdtempSync(path.join(tmpdir(), 'onestop-wall-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    // `headless: true` adds --headless; the rest keeps Chromium off the network and out of the sandbox it cannot have here.
    headless: true,
    userDataDir,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (deliberateFailures > 0 && m.text().includes('503') && m.location().url?.startsWith(WALL_DATA)) {
      deliberateFailures--;
      return;
    }
    problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.goto(`${apiUrl}/wall/`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('date')?.textContent !== '—', { timeout: 15_000 });
  // A reload would lose this.
  await page.evaluate(() => { window.wallMarker = 'still here'; });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('the supervision wall at /wall/', () => {
  it('shows the center, the date, today\'s and the month\'s figures and the open cards of the public endpoint', async () => {
    const view = (await call<WallView>('GET', '/public/supervision/wall')).body;
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('电子监察大屏');
    expect(await page.$eval('html', (e) => (e as unknown as { lang: string }).lang)).toBe('zh-CN');
    expect(view.centerName).toBe('示范县政务服务中心');
    expect(await page.$eval('#center', (e) => e.textContent)).toBe(view.centerName);
    expect(await page.$eval('#date', (e) => e.textContent)).toBe(view.date);
    expect(await page.$eval('#refreshed', (e) => e.textContent)).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    for (const period of ['today', 'month']) {
      const labels = await page.$$eval(`#${period} dt`, (dts) => dts.map((d) => d.textContent));
      expect(labels).toEqual(['预警', '黄牌', '红牌', '发牌', '撤销']);
    }
    expect(await page.$eval('#status', (e) => e.textContent)).toBe('');
    const shown = await cardsShown();
    if (shown.length === 0) expect(await page.$eval('#empty', (e) => e.hidden)).toBe(false);
    else expect(await page.$eval('#empty', (e) => e.hidden)).toBe(true);
  });

  it('shows a card issued while it is open, newest first, without reloading', async () => {
    const issuedBefore = Number(await page.$eval('#today dd[data-figure="issued"]', (e) => e.textContent));
    const filed = await call('POST', '/cases', { as: 'zhang.san', body: { itemCode: immediateItem, materials: materialsOf(immediateItem) } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = filed.body.caseNo as string;
    const accepted = await call('POST', `/cases/${caseNo}/accept`, { as: 'clerk.amr', headers: { 'if-match': filed.etag }, body: {} });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    const cardId = `${caseNo}~case~warning`;
    madeCard = cardId;
    const row = await page.waitForSelector(`#cards tr[data-card-id="${cardId}"]`, { timeout: 40_000 });
    const cells = await row!.$$eval('td', (tds) => tds.map((td) => td.textContent?.trim()));
    expect(cells[0]).toBe('预警');
    expect(cells[1]).toBe(caseNo);
    expect(cells[2]).toBe('示范县市场监督管理局');
    expect(cells[3]).toBe('办理时限');
    expect(cells[4]).toBe('已发');
    expect(cells[5]).toMatch(/^\d{2}\/\d{2} \d{2}:\d{2}$/);
    expect(cells[6]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await row!.$eval('.badge', (e) => (e as unknown as { className: string }).className)).toContain('badge-warning');
    // Newest first.
    const issuedTimes = await page.$$eval('#cards time', (ts) => ts.map((t) => (t as unknown as { dateTime: string }).dateTime));
    expect(issuedTimes).toEqual([...issuedTimes].sort().reverse());
    expect(await page.$eval('#empty', (e) => e.hidden)).toBe(true);
    // Today's figures count it (other files issue cards too: at least one more).
    await page.waitForFunction((n) => Number(document.querySelector('#today dd[data-figure="issued"]')?.textContent) > n, { timeout: 15_000 }, issuedBefore);
    expect(await page.evaluate(() => window.wallMarker)).toBe('still here');
  }, 60_000);

  it('says the link is down while a refresh fails, keeping the last data, and clears it on the next success', async () => {
    expect(madeCard).toBeDefined();
    let failed = 0;
    const failOnce = (r: HTTPRequest) => {
      if (r.isInterceptResolutionHandled()) return;
      if (r.url().startsWith(WALL_DATA) && failed === 0) {
        failed++;
        deliberateFailures++;
        return r.respond({ status: 503, contentType: 'application/problem+json', body: '{"title":"Service Unavailable","status":503}' });
      }
      return r.continue();
    };
    await page.setRequestInterception(true);
    page.on('request', failOnce);
    try {
      await page.waitForFunction((t) => document.getElementById('status')?.textContent === t, { timeout: 15_000 }, OFFLINE);
      expect(failed).toBe(1);
      // The last data stays on screen while the link is down.
      expect(await cardsShown()).toContain(madeCard);
      expect(await page.$eval('#date', (e) => e.textContent)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === '', { timeout: 15_000 });
    } finally {
      page.off('request', failOnce);
      await page.setRequestInterception(false);
    }
    expect(await cardsShown()).toContain(madeCard);
    expect(await page.evaluate(() => window.wallMarker)).toBe('still here');
  }, 40_000);

  it('loaded once, made no request that left this machine, and nothing failed', () => {
    expect(requests.filter((url) => url === `${apiUrl}/wall/`)).toHaveLength(1);
    expect(requests).toEqual(expect.arrayContaining([`${apiUrl}/wall/wall.js`, `${apiUrl}/wall/wall.css`, WALL_DATA]));
    // Polled: the wall's data was asked for again and again.
    expect(requests.filter((url) => url === WALL_DATA).length).toBeGreaterThan(2);
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
