/**
 * The hall display (叫号屏) in a real browser: Debian's Chromium, headless,
 * driven by puppeteer-core, opens <apiUrl>/hall/<centerId> on the local cloud of
 * the global setup. A ticket taken at the kiosk and called over HTTP
 * (call-next at the general window) must show within 1 s of the call's answer (the median of the warm calls),
 * pushed over the WebSocket API; the window's strip follows the ticket from
 * calling to serving to idle as the clerk starts and ends the service; after
 * the server closes the page's socket, a call made while the page is cut off
 * shows once it has reconnected, read from the board, its window's strip too.
 * The socket admits known centers and windows only, and a connection API
 * Gateway reports gone (410) is forgotten at the next push. No request may
 * leave this machine, and the page logs no error.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import WebSocket from 'ws';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, call, cloud, doc, until } from '../integration/api-client.ts';

const CHROMIUM = '/usr/bin/chromium';
const CENTER = 'center-demo';
const WINDOW = 'z01';
const CLERK = 'clerk.general';
const CATEGORY = 'H';
const BOARD = `${api}/public/hall/${CENTER}/board`;

/** The browser's document and window, as the callbacks run in the page use them (the project compiles without the DOM library). */
interface BrowserElement { textContent: string | null; dataset: Record<string, string | undefined>; querySelector(selector: string): BrowserElement | null }
declare const document: {
  body: BrowserElement;
  getElementById(id: string): BrowserElement | null;
  querySelector(selector: string): BrowserElement | null;
};
declare const window: Record<string, any>;
declare class MutationObserver { constructor(cb: () => void); observe(target: unknown, options: Record<string, boolean>): void }

const isLocal = (url: string) => {
  const u = new URL(url);
  return ['http:', 'ws:'].includes(u.protocol) && ['127.0.0.1', 'localhost'].includes(u.hostname);
};

let browser: Browser;
let userDataDir: string;
let page: Page;
const requests: string[] = [];
const problems: string[] = [];
/** The push latencies measured, ms (reported in the run's output). */
const latencies: number[] = [];

/** Takes a ticket of the test's category at the kiosk and calls the general window's next: the ticket called and when its answer came. */
async function callOne(): Promise<{ ticketNo: string; ticketId: string; answeredAt: number }> {
  const taken = await call('POST', `/public/hall/${CENTER}/tickets`, { body: { categoryCode: CATEGORY } });
  expect(taken.status, JSON.stringify(taken.body)).toBe(201);
  const called = await call('POST', `/windows/${WINDOW}/call-next`, { as: CLERK });
  const answeredAt = Date.now();
  expect(called.status, JSON.stringify(called.body)).toBe(200);
  return { ticketNo: called.body.ticketNo as string, ticketId: called.body.ticketId as string, answeredAt };
}

/** Starts watching for the ticket's row: resolves in the page with the instant (Date.now()) it appeared. */
async function watchFor(ticketNo: string): Promise<void> {
  await page.evaluate((no) => {
    window.seen ??= {};
    const check = () => {
      if (window.seen[no] === undefined && document.querySelector(`#calls li[data-ticket="${no}"]`)) window.seen[no] = Date.now();
    };
    new MutationObserver(check).observe(document.getElementById('calls'), { childList: true, subtree: true });
    check();
  }, ticketNo);
}

const seenAt = (ticketNo: string) => page.waitForFunction((no) => window.seen?.[no], { timeout: 20_000 }, ticketNo).then((h) => h.jsonValue() as Promise<number>);
/** Waits for the window's strip to show the state (and the ticket: none when idle); resolves with the strip's text. */
const windowShows = (state: string, ticketNo = '') => page.waitForFunction((w, s, no) => {
  const li = document.querySelector(`#windows li[data-window="${w}"]`);
  return li?.dataset.state === s && li.querySelector('.ticket')?.textContent === no ? li.textContent : undefined;
}, { timeout: 20_000 }, WINDOW, state, ticketNo).then((h) => h.jsonValue() as Promise<string>);
const linkIs = (state: string) => page.waitForFunction((s) => document.body.dataset.link === s, { timeout: 20_000 }, state);

/** The center's connections as the hall's store keeps them (GSI1 of the one table). */
async function connectionsOfCenter(): Promise<string[]> {
  const out = await doc.send(new QueryCommand({
    TableName: cloud.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#${CENTER}#HALL#CONNECTIONS` },
  }));
  return (out.Items ?? []).map((i) => String(i.connectionId));
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium), as .ci/run does`);
  const category = await call('PUT', `/admin/queue/categories/${CATEGORY}`, { as: 'center.admin', body: { name: '叫号屏测试', itemCodes: [], windowIds: [WINDOW] } });
  if (category.status !== 201) {
    // Made already (this cloud ran the file before): it must still be called at the general window.
    const listed = await call('GET', '/queue/categories', { as: 'center.admin' });
    expect(listed.body.items.find((c: { code: string }) => c.code === CATEGORY)?.windowIds, JSON.stringify(category.body)).toContain(WINDOW);
  }
  // The board answers from categories at most 10 s old (functions/queue/store.ts): the page must load a board that has this one.
  await until('the board showing the test\'s category', async () => {
    const board = await call('GET', `/public/hall/${CENTER}/board`);
    return board.body.waiting?.some((c: { categoryCode: string }) => c.categoryCode === CATEGORY) ? true : undefined;
  }, 15_000);
  userDataDir = mkdtempSync(path.join(tmpdir(), 'onestop-hall-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('console', (m) => {
    // Chromium reports the refused reconnects of the offline test as console errors of the socket.
    if (m.type() === 'error' && !m.text().includes('WebSocket connection to')) problems.push(`console error: ${m.text()}`);
  });
  await page.goto(`${api}/hall/${CENTER}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('date')?.textContent !== '—', { timeout: 15_000 });
  await linkIs('up');
  await page.evaluate(() => { window.hallMarker = 'still here'; });
}, 60_000);

afterAll(async () => {
  if (latencies.length) console.log(`hall page: call answered → row shown (the first a cold start): ${latencies.map((ms) => `${ms} ms`).join(', ')}`);
  await browser?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('the hall display at /hall/<centerId>', () => {
  it('shows the board: the center, the date, the waiting counts of the center\'s categories', async () => {
    const board = (await call('GET', `/public/hall/${CENTER}/board`)).body;
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('叫号屏');
    expect(await page.$eval('#center', (e) => e.textContent)).toBe(CENTER);
    expect(await page.$eval('#date', (e) => e.textContent)).toBe(board.date);
    const codes = await page.$$eval('#waiting dd', (dds) => dds.map((d) => (d as unknown as BrowserElement).dataset.category));
    expect(codes).toContain(CATEGORY);
    expect(await page.$eval('#status', (e) => e.textContent)).toBe('');
  });

  it('a ticket called over HTTP shows within 1 s of the call\'s answer, pushed, as the newest call, with its window', async () => {
    // Round 0 starts the push function's sandbox (a cold start): reported, not held to the second. The warm
    // rounds' median is: one round may queue behind the other test files' load on this 2-CPU machine.
    const warm: number[] = [];
    for (let round = 0; round < 4; round++) {
      const { ticketNo, answeredAt } = await callOne();
      expect(ticketNo).toMatch(/^[A-Z]\d{3,5}$/);
      await watchFor(ticketNo);
      const shownAt = await seenAt(ticketNo);
      latencies.push(shownAt - answeredAt);
      if (round > 0) warm.push(shownAt - answeredAt);
      // Other files call in the same center meanwhile: newest first is checked among this window's calls.
      const atWindow = await page.$$eval(`#calls li[data-window="${WINDOW}"]`, (lis) => lis.map((li) => (li as unknown as BrowserElement).dataset.ticket));
      expect(atWindow[0]).toBe(ticketNo);
      expect(await page.$eval(`#calls li[data-ticket="${ticketNo}"]`, (e) => e.textContent)).toContain('Z区1号');
    }
    expect(warm.sort((a, b) => a - b)[1]).toBeLessThan(1000);
    expect(await page.evaluate(() => window.hallMarker)).toBe('still here');
  }, 60_000);

  it('the window\'s strip: calling the ticket called over HTTP, serving it once started, idle once the visit ended', async () => {
    const { ticketNo, ticketId } = await callOne();
    expect(await windowShows('calling', ticketNo)).toMatch(new RegExp(`^Z区1号.*呼叫中${ticketNo}$`));
    const started = await call('POST', `/windows/${WINDOW}/tickets/${ticketId}/start`, { as: CLERK });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(await windowShows('serving', ticketNo)).toMatch(new RegExp(`^Z区1号.*办理中${ticketNo}$`));
    const ended = await call('POST', `/windows/${WINDOW}/tickets/${ticketId}/end`, { as: CLERK, body: { itemCodes: [], caseNos: [] } });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(await windowShows('idle')).toMatch(/^Z区1号.*空闲$/);
    expect(await page.$eval('#windows-section', (e) => (e as unknown as { hidden: boolean }).hidden)).toBe(false);

    // A state older than the one shown (a late or repeated delivery) changes nothing; the newer
    // state of another window after it, on the same socket, shows the page has read it.
    const management = new ApiGatewayManagementApiClient({ endpoint: cloud.socketUrl.replace(/^ws:/, 'http:'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const stale = { type: 'window', windowId: WINDOW, windowName: 'Z区1号', state: 'serving', ticketNo, since: started.body.startedAt };
      const other = { type: 'window', windowId: 'x99', windowName: 'X区99号', state: 'calling', ticketNo, since: new Date().toISOString() };
      for (const id of await connectionsOfCenter()) {
        for (const m of [stale, other]) await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: JSON.stringify(m) }));
      }
      await page.waitForFunction(() => document.querySelector('#windows li[data-window="x99"]'), { timeout: 20_000 });
      expect(await windowShows('idle')).toMatch(/^Z区1号.*空闲$/);
    } finally {
      management.destroy();
    }
  }, 60_000);

  it('after the server closes its socket, shows a call made while it was cut off once it reconnects, from the board', async () => {
    const management = new ApiGatewayManagementApiClient({ endpoint: cloud.socketUrl.replace(/^ws:/, 'http:'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const boardReadsBefore = requests.filter((u) => u === BOARD).length;
    try {
      const ids = await connectionsOfCenter();
      expect(ids.length).toBeGreaterThan(0);
      // Offline first, so the page cannot reconnect before the call is made.
      await page.setOfflineMode(true);
      await Promise.all(ids.map((id) => management.send(new DeleteConnectionCommand({ ConnectionId: id }))));
      await linkIs('down');
      await until('the page\'s connection forgotten ($disconnect)', async () => ((await connectionsOfCenter()).length === 0 ? true : undefined), 10_000);

      const { ticketNo } = await callOne();
      await watchFor(ticketNo);
      // Still cut off: the call reached no socket of this page.
      expect(await page.evaluate(() => document.body.dataset.link)).toBe('down');
      expect(await page.evaluate((no) => window.seen[no], ticketNo)).toBeUndefined();
      await page.setOfflineMode(false);
      await linkIs('up');
      await seenAt(ticketNo);
      expect(await page.$eval(`#calls li[data-window="${WINDOW}"]`, (e) => (e as unknown as BrowserElement).dataset.ticket)).toBe(ticketNo);
      // No push told the page of this call: the window's strip is the board's.
      await windowShows('calling', ticketNo);
      expect(requests.filter((u) => u === BOARD).length).toBeGreaterThan(boardReadsBefore);
      expect(await page.$eval('#status', (e) => e.textContent)).toBe('');
    } finally {
      await page.setOfflineMode(false);
      management.destroy();
    }
    expect(await page.evaluate(() => window.hallMarker)).toBe('still here');
  }, 60_000);

  it('the socket admits a known center (and window) only, and a connection gone from API Gateway is forgotten at the next push', async () => {
    const handshake = (query: string) => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${cloud.socketUrl}?${query}`);
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', reject);
    });
    expect(await Promise.all([
      handshake(`centerId=${CENTER}&windowId=${WINDOW}`), handshake('centerId=no-such-center'), handshake(`centerId=${CENTER}&windowId=zz99`), handshake('windowId=a03'),
    ])).toEqual([101, 404, 404, 400]);

    // A connection API Gateway no longer holds (its $disconnect lost): the push's POST answers 410.
    const gone = { PK: `HALL#CONN#gone${Date.now()}=`, SK: 'CONN' };
    await doc.send(new PutCommand({
      TableName: cloud.tableName,
      Item: { ...gone, kind: 'hallConnection', GSI1PK: `CENTER#${CENTER}#HALL#CONNECTIONS`, GSI1SK: gone.PK.slice(10), connectionId: gone.PK.slice(10), centerId: CENTER, connectedAt: new Date().toISOString(), expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    }));
    const { ticketNo } = await callOne();
    await watchFor(ticketNo);
    await seenAt(ticketNo);
    await until('the gone connection forgotten', async () => ((await doc.send(new GetCommand({ TableName: cloud.tableName, Key: gone, ConsistentRead: true }))).Item ? undefined : true), 10_000);
  }, 40_000);

  it('loaded once, made no request that left this machine, and nothing failed', () => {
    expect(requests.filter((url) => url === `${api}/hall/${CENTER}`)).toHaveLength(1);
    expect(requests).toEqual(expect.arrayContaining([`${api}/hall/hall.js`, `${api}/hall/hall.css`, BOARD]));
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
