/**
 * The recount on CalendarChanged over `n` open cases counted on a provisional
 * year: an item whose limit ends in the spring of next year, `n` cases filed
 * and accepted, then next year's schedule entered with one more day off than
 * the provisional one. Reported: the time from the PUT to the last case read
 * with its new date, and the recount's own tally from its log, from which the
 * DynamoDB requests follow (docs/data-model.md pattern 75).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deadline, isWorkingDay, workCalendar, workingDaysBetween } from '../functions/shared/calendar.ts';
import { calendar2026 } from '../functions/shared/calendar-2026.ts';
import { provisionalYear } from '../functions/shared/provisional-calendar.ts';
import { demoItems } from '../local/seed/items.ts';

type Call = (url: string, init?: RequestInit & { token?: string }) => Promise<{ status: number; etag: string; body: any }>;

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export async function recountFigures(api: string, call: Call, tokens: { applicant: string; clerk: string; deptAdmin: string; centerAdmin: string }, logDir: string, n = 200) {
  const thisYear = Number(today().slice(0, 4));
  const nextYear = thisYear + 1;
  // The demo center has 2026 entered; on a later run this year is provisional too, as the functions count it.
  const provisional = workCalendar(thisYear === 2026 ? [calendar2026] : [], 'Asia/Shanghai', provisionalYear);
  const limit = workingDaysBetween(provisional, today(), `${nextYear}-03-31`);
  const template = demoItems.find((i) => i.code === '370982-AMR-XK-001')!;
  const code = `RECOUNT-${Date.now().toString(36).toUpperCase()}`;
  const content = { ...template.content, timeLimits: { ...template.content.timeLimits, statutoryWorkingDays: limit, promisedWorkingDays: limit } };
  let res = await call(`${api}/admin/items`, { method: 'POST', token: tokens.deptAdmin, body: JSON.stringify({ code, content }) });
  for (const [action, token] of [['submit', tokens.deptAdmin], ['approve', tokens.centerAdmin], ['publish', tokens.deptAdmin]] as const) {
    res = await call(`${api}/admin/items/${code}/versions/1/${action}`, { method: 'POST', token, headers: { 'if-match': res.etag } });
    if (res.status !== 200) throw new Error(`${action} answered ${res.status}`);
  }

  const cases: { caseNo: string; acceptedAt: string; due: string }[] = [];
  const body = JSON.stringify({
    itemCode: code,
    fields: { proposedName: '复算基准公司', enterpriseType: '有限责任公司' },
    materials: template.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count })),
  });
  for (let i = 0; i < n; i++) {
    const filed = await call(`${api}/cases`, { method: 'POST', token: tokens.applicant, headers: { 'idempotency-key': `recount-${code}-${i}` }, body });
    const accepted = await call(`${api}/cases/${filed.body.caseNo}/accept`, { method: 'POST', token: tokens.clerk, headers: { 'if-match': filed.etag } });
    if (accepted.status !== 200 || !accepted.body.deadlines.provisional) throw new Error(`case ${i}: accept answered ${accepted.status}, provisional ${accepted.body?.deadlines?.provisional}`);
    cases.push({ caseNo: filed.body.caseNo, acceptedAt: accepted.body.acceptedAt, due: accepted.body.deadlines.statutoryDue });
  }

  const { provisional: _p, year: _y, ...next } = provisionalYear(nextYear)!;
  const extraDayOff = Array.from({ length: 20 }, (_, i) => `${nextYear}-01-${String(i + 2).padStart(2, '0')}`).find((d) => isWorkingDay(provisional, d))!;
  const official = { ...next, holidays: [...next.holidays, extraDayOff].sort() };
  const entered = workCalendar([...(thisYear === 2026 ? [calendar2026] : []), { year: nextYear, ...official }], 'Asia/Shanghai', provisionalYear);

  const t0 = performance.now();
  const put = await call(`${api}/admin/calendar/${nextYear}`, { method: 'PUT', token: tokens.centerAdmin, body: JSON.stringify(official) });
  if (put.status !== 201 && put.status !== 200) throw new Error(`calendar answered ${put.status}`);
  let pending = cases;
  while (pending.length) {
    if (performance.now() - t0 > 300_000) throw new Error(`${pending.length} cases not recounted within 5 minutes`);
    const still: typeof pending = [];
    for (const c of pending) {
      const read = await call(`${api}/cases/${c.caseNo}`, { token: tokens.clerk });
      if (read.body.deadlines.statutoryDue !== deadline(entered, c.acceptedAt, limit)) still.push(c);
    }
    pending = still;
  }
  const allRecountedMs = Math.round(performance.now() - t0);

  const log = (await readdir(logDir)).find((f) => f.startsWith('CaseRecountFunction'));
  const tallies = log
    ? (await readFile(join(logDir, log), 'utf8')).split('\n').filter((l) => l.includes('deadlines recounted')).map((l) => JSON.parse(l.slice(l.indexOf('{'))) as Record<string, number>)
    : [];
  const tally = tallies.at(-1);
  return {
    cases: n,
    putToAllRecountedMs: allRecountedMs,
    tally,
    // Pattern 75: one Query of the markers (+1 per MB page), a BatchGetItem per case, a TransactWriteItems per changed case.
    dynamodbRequests: tally ? 1 + (tally.provisionalCases ?? 0) + (tally.recounted ?? 0) : undefined,
  };
}
