/**
 * `npm run bench:cost [cases]`: what one realistic case costs on AWS, in $ per
 * 1 000 cases at the list prices of bench/prices.json (issue 13).
 *
 * The case: a fresh applicant (a mobile and an email on file, the default
 * preferences: one channel, SMS) applies
 * for a promised item leaving one material out; the window asks for it (one
 * supplement), the applicant hands it in and uploads 3 scans of 1 MB; then
 * accept, the case watch's look at the open case (and the clock warnings it
 * sends), review, approve, complete, deliver; the documents the events call for
 * are issued (PDFs), the case is archived, and the applicant rates it.
 *
 * Counted while the cases run (local/meter.ts and the cloud's own stats), once
 * the consumers are quiet: DynamoDB read and write units by table and index,
 * Lambda invocations × memory × handler time, events put on the bus, pipe
 * requests, API requests, S3 requests by tier and bytes, emails, SMS parts,
 * KMS calls. What the schedules (sweepers) do meanwhile is measured on an idle
 * minute first and taken off: it is a cost per center and day, not per case.
 * SMS and stored bytes are shown but left out of the total the goal is about.
 * Writes bench/results/cost.json; the temporary data directory is removed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from '../local/cloud.ts';
import { Meter, type MeterReading } from '../local/meter.ts';
import { seedDemoCenter } from '../local/seed/index.ts';
import { demoItems } from '../local/seed/items.ts';
import { residentIdCheckCharacter } from '../functions/shared/identifiers.ts';
import { smsParts } from '../functions/notifications/templates.ts';

const root = new URL('..', import.meta.url).pathname;
const prices = JSON.parse(await readFile(join(root, 'bench/prices.json'), 'utf8'));
const CASES = Number(process.argv[2] ?? 5);
const ITEM = demoItems.find((i) => i.code === '370982-AMR-XK-001')!;

/** A 1 MB scan that is a PDF by its bytes. */
const scan = (i: number) => {
  const bytes = new Uint8Array(1024 * 1024).map((_, j) => (j * 31 + i) % 251);
  bytes.set(new TextEncoder().encode('%PDF-1.7\n'), 0);
  return bytes;
};

/** A citizen with an email address and a mobile number, new on every run. */
function freshIdentity(i: number) {
  const n = Date.now() + i * 7919;
  const first17 = `110105${1950 + (n % 50)}${String((n % 12) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}${String(i).padStart(3, '0')}`;
  const username = `cost.${n.toString(36)}${i}`;
  return { kind: 'citizen' as const, username, name: '钱七', email: `${username}@example.com`, idNumber: `${first17}${residentIdCheckCharacter(first17)}`, phone: `139${String(n % 1e8).padStart(8, '0')}` };
}

let apiRequests = 0;
async function call(cloud: LocalCloud, method: string, path: string, as: string | undefined, body?: unknown, etag?: string) {
  apiRequests++;
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (as) headers.authorization = `Bearer ${cloud.mintToken(as)}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (etag) headers['if-match'] = etag;
  const res = await fetch(`${cloud.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag') ?? '', body: text ? JSON.parse(text) : undefined };
}

async function expectOk(what: string, p: ReturnType<typeof call>) {
  const res = await p;
  if (res.status >= 300) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

interface Snapshot {
  at: number;
  meter: MeterReading;
  apiRequests: number;
  busEntries: number;
  pipeRequests: number;
  emails: number;
  smsParts: number;
  sms: number;
}

async function snapshot(cloud: LocalCloud, meter: Meter): Promise<Snapshot> {
  const stats = cloud.stats();
  const store = (await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: { destination: { to: string[]; cc: string[]; bcc: string[] } }[] };
  const sms = ((await (await fetch(`${cloud.apiUrl}/local/sms`)).json()) as { messages: { message: string }[] }).messages;
  return {
    at: performance.now(),
    meter: meter.read(),
    apiRequests,
    busEntries: stats.bus.putEntries,
    pipeRequests: Object.values(stats.pipes).reduce((n, p) => n + p.published, 0),
    emails: store.emails.reduce((n, e) => n + e.destination.to.length + e.destination.cc.length + e.destination.bcc.length, 0),
    sms: sms.length,
    smsParts: sms.reduce((n, m) => n + smsParts(m.message), 0),
  };
}

/** Quiet: three probes in a row, a pipe poll apart, with nothing new invoked, put or piped. */
async function quiet(cloud: LocalCloud) {
  const mark = () => {
    const s = cloud.stats();
    return JSON.stringify([s.bus.putEntries, s.bus.invocations, Object.values(s.pipes).map((p) => p.records)]);
  };
  let last = '';
  for (let same = 0; same < 3; ) {
    await cloud.idle();
    await new Promise((r) => setTimeout(r, 400));
    const now = mark();
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

/**
 * Waits for the case watch's next run (every minute), then for its consumers. A case at a window is open
 * for hours, so the watch always looks at it at least once, and the clock warnings it then publishes
 * are part of the case's cost; a case run in half a minute met the watch only by chance.
 */
async function watchedOnce(cloud: LocalCloud, meter: Meter) {
  const runs = () => Object.entries(meter.read().lambda).filter(([id]) => id.startsWith('CaseWatchFunction')).reduce((n, [, f]) => n + f.invocations, 0);
  const before = runs();
  while (runs() === before) await new Promise((r) => setTimeout(r, 250));
  await quiet(cloud);
}

/** One realistic case, start to rating. */
async function oneCase(cloud: LocalCloud, meter: Meter, username: string) {
  const leftOut = ITEM.content.materials.at(-1)!;
  const materials = ITEM.content.materials.filter((m) => m.id !== leftOut.id).map((m) => ({ materialId: m.id, form: m.form, count: m.count }));
  let c = await expectOk('intake', call(cloud, 'POST', '/cases', username, { itemCode: ITEM.code, fields: { proposedName: '成本基准有限公司', enterpriseType: '有限责任公司' }, materials }));
  const caseNo = c.body.caseNo as string;
  // Each step waits for the consumers of the one before: at a window they are hours or days apart.
  const act = async (action: string, as: string, body: unknown = {}) => {
    c = await expectOk(action, call(cloud, 'POST', `/cases/${caseNo}/${action}`, as, body, c.etag));
    await quiet(cloud);
  };
  await act('requestSupplement', 'clerk.amr', { items: [{ materialId: leftOut.id, problem: 'missing', detail: '未提交该材料' }] });
  await act('supplement', username, { materials: [{ materialId: leftOut.id, form: leftOut.form, count: leftOut.count }] });
  for (let i = 0; i < 3; i++) {
    const bytes = scan(i);
    const slot = await expectOk('upload slot', call(cloud, 'POST', `/cases/${caseNo}/materials`, username, { materialId: ITEM.content.materials[i]!.id, contentType: 'application/pdf', size: bytes.length }));
    const { 'content-length': _l, ...headers } = slot.body.upload.headers as Record<string, string>;
    const put = await fetch(slot.body.upload.url, { method: 'PUT', body: bytes, headers });
    if (put.status !== 200) throw new Error(`upload answered ${put.status}: ${await put.text()}`);
  }
  await quiet(cloud);
  c = await expectOk('read', call(cloud, 'GET', `/cases/${caseNo}`, 'clerk.amr'));
  await act('accept', 'clerk.amr');
  await watchedOnce(cloud, meter);
  await act('review', 'clerk.amr', { opinion: '材料齐全，符合条件' });
  await act('approve', 'approver.amr');
  await act('complete', 'clerk.amr');
  await act('deliver', 'clerk.amr', { method: 'pickup' });
  const evaluation = await expectOk('evaluation', call(cloud, 'GET', `/evaluations/${caseNo}`, username));
  const rating = { rating: 5, indicators: { efficiency: 5, guideAccuracy: 5, convenience: 5, platformUsability: 5 } };
  await expectOk('rate', call(cloud, 'POST', `/evaluations/${caseNo}/rate`, username, rating, evaluation.etag));
  await quiet(cloud);
  const archived = await expectOk('read', call(cloud, 'GET', `/cases/${caseNo}`, 'clerk.amr'));
  if (!archived.body.archiveLocation) throw new Error(`${caseNo} was not archived`);
  return caseNo;
}

const COUNTS = ['ms', 'dynamodbRead', 'dynamodbWrite', 'dynamodbGsiWrite', 'dynamodbRequests', 'lambdaInvocations', 'lambdaGbSeconds', 'busEvents', 'pipeRequests', 'apiRequests', 's3Write', 's3Read', 's3BytesIn', 'emails', 'sms', 'smsParts', 'kms'] as const;
type Usage = Record<(typeof COUNTS)[number], number> & {
  lambdaByFunction: Record<string, { invocations: number; memoryMb: number; durationMs: number }>;
  capacityByIndex: Record<string, { read: number; write: number }>;
  writesByKeyKind: Record<string, { items: number; tableUnits: number; indexUnits: number }>;
};

/** What happened between two snapshots, less the schedules' share measured idle (`background`, per ms). */
function usageBetween(a: Snapshot, b: Snapshot, background?: { usage: Usage; ms: number }): Usage {
  const ms = b.at - a.at;
  const bg = (pick: (u: Usage) => number) => (background ? (pick(background.usage) * ms) / background.ms : 0);
  const capacity = (kind: 'readUnits' | 'writeUnits', key?: (k: string) => boolean) =>
    Object.entries(b.meter.dynamodb.capacity).filter(([k]) => !key || key(k)).reduce((n, [k, v]) => n + v[kind] - (a.meter.dynamodb.capacity[k]?.[kind] ?? 0), 0);
  const lambda = Object.entries(b.meter.lambda).map(([id, f]) => {
    const before = a.meter.lambda[id] ?? { invocations: 0, durationMs: 0 };
    return { id, memoryMb: f.memoryMb, invocations: f.invocations - before.invocations, durationMs: f.durationMs - before.durationMs };
  }).filter((f) => f.invocations > 0);
  const raw: Usage = {
    ms,
    dynamodbRead: capacity('readUnits'),
    dynamodbWrite: capacity('writeUnits'),
    dynamodbGsiWrite: capacity('writeUnits', (k) => k.includes('/')),
    dynamodbRequests: Object.entries(b.meter.dynamodb.requests).reduce((n, [k, v]) => n + v - (a.meter.dynamodb.requests[k] ?? 0), 0),
    lambdaInvocations: lambda.reduce((n, f) => n + f.invocations, 0),
    lambdaGbSeconds: lambda.reduce((n, f) => n + (f.memoryMb / 1024) * (f.durationMs / 1000), 0),
    busEvents: b.busEntries - a.busEntries,
    pipeRequests: b.pipeRequests - a.pipeRequests,
    apiRequests: b.apiRequests - a.apiRequests,
    s3Write: b.meter.s3.requests.write - a.meter.s3.requests.write,
    s3Read: b.meter.s3.requests.read - a.meter.s3.requests.read,
    s3BytesIn: b.meter.s3.bytesIn - a.meter.s3.bytesIn,
    emails: b.emails - a.emails,
    sms: b.sms - a.sms,
    smsParts: b.smsParts - a.smsParts,
    // No function calls KMS per case (S3-managed keys, DynamoDB's cached data key); the daily digest's Sign is per center.
    kms: 0,
    lambdaByFunction: Object.fromEntries(lambda.map((f) => [f.id, { invocations: f.invocations, memoryMb: f.memoryMb, durationMs: Math.round(f.durationMs) }])),
    capacityByIndex: Object.fromEntries(Object.entries(b.meter.dynamodb.capacity).map(([k, v]) => [k, { read: v.readUnits - (a.meter.dynamodb.capacity[k]?.readUnits ?? 0), write: v.writeUnits - (a.meter.dynamodb.capacity[k]?.writeUnits ?? 0) }])),
    writesByKeyKind: Object.fromEntries(Object.entries(b.meter.dynamodb.writesByKeyKind).map(([k, v]) => {
      const before = a.meter.dynamodb.writesByKeyKind[k] ?? { items: 0, tableUnits: 0, indexUnits: 0 };
      return [k, { items: v.items - before.items, tableUnits: v.tableUnits - before.tableUnits, indexUnits: v.indexUnits - before.indexUnits }];
    }).filter(([, v]) => (v as { items: number }).items > 0)),
  };
  if (!background) return raw;
  return {
    ...raw,
    dynamodbRead: raw.dynamodbRead - bg((u) => u.dynamodbRead),
    dynamodbWrite: raw.dynamodbWrite - bg((u) => u.dynamodbWrite),
    dynamodbGsiWrite: raw.dynamodbGsiWrite - bg((u) => u.dynamodbGsiWrite),
    lambdaInvocations: raw.lambdaInvocations - bg((u) => u.lambdaInvocations),
    lambdaGbSeconds: raw.lambdaGbSeconds - bg((u) => u.lambdaGbSeconds),
  };
}

/** $ per 1 000 cases by service, from the usage of `cases` cases. */
function priced(u: Usage, cases: number) {
  const per1000 = (x: number) => (x * 1000) / cases;
  const services: Record<string, number> = {
    dynamodb: per1000(u.dynamodbWrite * prices.dynamodb.writeRequestUnit + u.dynamodbRead * prices.dynamodb.readRequestUnit),
    ses: per1000(u.emails * prices.ses.email),
    lambda: per1000(u.lambdaInvocations * prices.lambda.request + u.lambdaGbSeconds * prices.lambda.gbSecondArm64),
    s3: per1000(u.s3Write * prices.s3.writeRequest + u.s3Read * prices.s3.readRequest),
    eventbridge: per1000(u.busEvents * prices.eventbridge.customEvent),
    pipes: per1000(u.pipeRequests * prices.pipes.request),
    apiGateway: per1000(u.apiRequests * prices.apiGateway.request),
    kms: per1000(u.kms * prices.kms.request),
  };
  const total = Object.values(services).reduce((a, b) => a + b, 0);
  return { total, services, smsExcluded: per1000(u.smsParts * prices.sms.perPartCN) };
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'onestop-cost-'));
  const meter = new Meter();
  const cloud = await startLocalCloud({ dataDir, port: 0, busPort: 0, sesPort: 0, dynamoPort: 0, s3Port: 0, quiet: true, meter });
  try {
    await seedDemoCenter(cloud);
    const applicants: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const who = freshIdentity(i);
      const { kind, name, idNumber, ...account } = who;
      await expectOk('registration', call(cloud, 'POST', '/public/applicants', undefined, { ...account, verificationTicket: cloud.identityTicket({ kind, name, idNumber }) }));
      applicants.push(who.username);
    }
    await quiet(cloud);
    // The schedules' own work on an idle cloud, over a minute (every rate(1 minute) rule fires once).
    const idleStart = await snapshot(cloud, meter);
    await new Promise((r) => setTimeout(r, 60_000));
    await quiet(cloud);
    const idleEnd = await snapshot(cloud, meter);
    const background = { usage: usageBetween(idleStart, idleEnd), ms: idleEnd.at - idleStart.at };

    const start = await snapshot(cloud, meter);
    const caseNos: string[] = [];
    for (const username of applicants) caseNos.push(await oneCase(cloud, meter, username));
    await quiet(cloud);
    const end = await snapshot(cloud, meter);
    const usage = usageBetween(start, end, background);
    const cost = priced(usage, CASES);
    const perCase = Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, typeof v === 'number' ? Math.round((v / CASES) * 100) / 100 : v]));
    // Where the write units go, per case, the biggest first (the meter splits a transaction's units evenly).
    const writesByKeyKind = Object.entries(usage.writesByKeyKind)
      .map(([kind, v]) => ({ kind, items: round2(v.items / CASES), tableUnits: round2(v.tableUnits / CASES), indexUnits: round2(v.indexUnits / CASES) }))
      .sort((x, y) => y.tableUnits + y.indexUnits - x.tableUnits - x.indexUnits);
    const dlq = (await cloud.dlq.list()).filter((q) => q.count > 0).map((q) => ({ queue: q.queue, count: q.count }));
    const results = {
      at: new Date().toISOString(),
      cases: CASES,
      caseNos,
      pricesFrom: 'bench/prices.json',
      dollarsPer1000Cases: { total: round(cost.total), goal: 0.5, byService: Object.fromEntries(Object.entries(cost.services).map(([k, v]) => [k, { dollars: round(v), share: `${((v / cost.total) * 100).toFixed(1)} %` }])) },
      leftOutOfTotal: { smsDollarsPer1000Cases: round(cost.smsExcluded), storedBytes: 'not priced' },
      perCase: { ...perCase, lambdaByFunction: undefined, capacityByIndex: undefined, writesByKeyKind: undefined },
      writeUnitsPerCaseByKeyKind: writesByKeyKind,
      allCases: { lambdaByFunction: usage.lambdaByFunction, capacityByIndex: usage.capacityByIndex },
      background: { windowMs: Math.round(background.ms), dynamodbRead: background.usage.dynamodbRead, dynamodbWrite: background.usage.dynamodbWrite, lambdaInvocations: background.usage.lambdaInvocations },
      deadLettered: dlq,
    };
    await mkdir(join(root, 'bench/results'), { recursive: true });
    await writeFile(join(root, 'bench/results/cost.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n$ per 1 000 cases (${CASES} cases, us-east-1 list prices; SMS and stored bytes left out): ${round(cost.total)}`);
    for (const [k, v] of Object.entries(cost.services).sort((x, y) => y[1] - x[1])) console.log(`  ${k.padEnd(12)} ${round(v).toFixed(4).padStart(8)}  ${((v / cost.total) * 100).toFixed(1).padStart(5)} %`);
    console.log(`  SMS (left out): ${round(cost.smsExcluded)} for ${perCase.sms} messages, ${perCase.smsParts} parts per case`);
    console.log(`per case: ${JSON.stringify({ ...perCase, lambdaByFunction: undefined, capacityByIndex: undefined, writesByKeyKind: undefined })}`);
    console.log('write units per case by key kind (table + GSIs), the top 12:');
    for (const w of writesByKeyKind.slice(0, 12)) console.log(`  ${w.kind.padEnd(48)} ${String(w.items).padStart(6)} items ${w.tableUnits.toFixed(1).padStart(7)} + ${w.indexUnits.toFixed(1).padStart(7)}`);
    if (dlq.length) console.log(`dead-lettered: ${JSON.stringify(dlq)}`);
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

await main();
