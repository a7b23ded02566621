/**
 * `npm run bench`: figures for the quality targets of DESIGN §10, reported not
 * asserted. Writes bench/results/latest.json and prints a summary.
 *
 *  - bundle size of every Lambda and its cold start in a fresh Node process,
 *    interleaved with a reference bundle of the AWS SDK it uses (bundles.ts:
 *    target ≤ 500 KB loaded at start, ≤ 1.2× the reference), and the first
 *    check of a schema, Ajv against validate.ts (validation.ts);
 *  - `npm start`-equivalent time to ready and resident memory of every process;
 *  - p50/p99 latency of GET /public/items, an item publish and case intake, accept and read;
 *  - the time from a publish request to its audit record;
 *  - the archive of a case with 10 materials (package build, complete → archived);
 *  - the hall: ticket takes and call-next at 20 concurrent kiosks and windows, and the push
 *    latency from a call to 20 connected hall displays (hall.ts);
 *  - the recount of 200 cases counted on a provisional year when the year is entered;
 *  - a deadline 365 working days out, counted 10 000 times (calendar.ts).
 * `npm run bench -- hall` or `npm run bench -- recount` runs only that figure, into
 * bench/results/<name>.json (each figure starts the cloud's clock afresh).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFigures } from './bundles.ts';
import { validationFigures } from './validation.ts';
import { calendarFigures } from './calendar.ts';
import { archiveFigures } from './archive.ts';
import { caseFigures } from './cases.ts';
import { hallFigures } from './hall.ts';
import { recountFigures } from './recount.ts';
import { processTreeRssMb } from './memory.ts';
import { percentile, timeIt } from './stats.ts';
import { startLocalCloud } from '../local/cloud.ts';
import { demoItems } from '../local/seed/items.ts';
import { seedDemoCenter } from '../local/seed/index.ts';

const root = new URL('..', import.meta.url).pathname;

async function call(url: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag') ?? '', body: text ? JSON.parse(text) : undefined };
}

async function main() {
  const results: Record<string, unknown> = { at: new Date().toISOString() };

  const startedAt = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'onestop-bench-'));
  const cloud = await startLocalCloud({ dataDir, port: 0, busPort: 0, sesPort: 0, dynamoPort: 0, s3Port: 0, quiet: true });
  await seedDemoCenter(cloud);
  results.startToReadyMs = Math.round(performance.now() - startedAt);
  results.residentMemoryMb = await processTreeRssMb(process.pid);

  const only = process.argv[2];
  try {
    const tokens = { applicant: await cloud.mintToken('zhang.san'), clerk: await cloud.mintToken('clerk.amr'), deptAdmin: await cloud.mintToken('admin.amr'), centerAdmin: await cloud.mintToken('center.admin') };
    if (only === 'recount') results.recount = await recountFigures(cloud.apiUrl, call, tokens, join(dataDir, 'logs'));
    else if (only === 'hall') results.hall = await hallFigures(cloud);
    else await allFigures(tokens);
  } finally {
    await cloud.stop();
  }
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(join(root, `bench/results/${only ?? 'latest'}.json`), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));

  async function allFigures(tokens: Parameters<typeof recountFigures>[2]) {
    results.bundles = await bundleFigures(join(root, 'cdk.out'));
    results.validation = await validationFigures();
    results.calendar = calendarFigures();

    const api = cloud.apiUrl;
    for (let i = 0; i < 20; i++) await call(`${api}/public/items`);
    const listTimes: number[] = [];
    for (let i = 0; i < 300; i++) listTimes.push(await timeIt(() => call(`${api}/public/items`)));
    results.listPublishedItems = { n: listTimes.length, p50Ms: percentile(listTimes, 50), p99Ms: percentile(listTimes, 99) };

    const admin = await cloud.mintToken('admin.amr');
    const reviewer = await cloud.mintToken('center.admin');
    const auditor = await cloud.mintToken('auditor');
    const template = demoItems.find((i) => i.content.departmentId === 'amr')!;
    const publishTimes: number[] = [];
    const auditLagMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const code = `BENCH-${Date.now().toString(36)}-${i}`;
      const created = await call(`${api}/admin/items`, { method: 'POST', token: admin, body: JSON.stringify({ code, content: template.content }) });
      const base = `${api}/admin/items/${code}/versions/1`;
      const submitted = await call(`${base}/submit`, { method: 'POST', token: admin, headers: { 'if-match': created.etag } });
      const approved = await call(`${base}/approve`, { method: 'POST', token: reviewer, headers: { 'if-match': submitted.etag } });
      const t0 = performance.now();
      const published = await call(`${base}/publish`, { method: 'POST', token: admin, headers: { 'if-match': approved.etag } });
      publishTimes.push(performance.now() - t0);
      if (published.status !== 200) throw new Error(`publish answered ${published.status}`);
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      for (;;) {
        const page = await call(`${api}/audit/events?from=${today}&to=${today}&subjectType=item&subjectId=${code}`, { token: auditor });
        if (page.body?.items?.some((r: { action: string }) => r.action === 'ItemPublished')) break;
        if (performance.now() - t0 > 30_000) throw new Error('audit record did not arrive within 30 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      auditLagMs.push(performance.now() - t0);
    }
    results.publishItem = { n: publishTimes.length, p50Ms: percentile(publishTimes, 50), p99Ms: percentile(publishTimes, 99) };
    results.publishToAuditRecord = { n: auditLagMs.length, p50Ms: percentile(auditLagMs, 50), maxMs: Math.max(...auditLagMs.map(Math.round)) };
    results.cases = await caseFigures(api, call, { applicant: await cloud.mintToken('zhang.san'), clerk: await cloud.mintToken('clerk.amr') });
    results.archive = await archiveFigures(api, call, { applicant: await cloud.mintToken('zhang.san'), clerk: await cloud.mintToken('clerk.amr') }, join(dataDir, 'logs'));
    results.hall = await hallFigures(cloud);
    results.recount = await recountFigures(api, call, tokens, join(dataDir, 'logs'));
  }
}

await main();
