/**
 * Provisional deadlines and their recount (issue "Electronic supervision",
 * part 2), in a center of this file's own so that entering next year's
 * schedule changes no other test's dates: a case whose limit reaches next year
 * is counted on the provisional schedule and says so; entering the official
 * schedule recounts it (DeadlinesRecomputed, with the old and new dates, in
 * its timeline and the audit log) and the mark goes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { calendar2026 } from '#shared/calendar-2026';
import { deadline, isWorkingDay, workCalendar, workingDaysBetween, type CalendarYear } from '#shared/calendar';
import { provisionalYear } from '#shared/provisional-calendar';
import { putCenterProfile } from '../../functions/org/store.ts';
import { centerToday, cloud, doc, freshCode, freshCreditCode, registerApplicant, until } from './api-client.ts';
import { enterpriseFields, enterpriseItem, materialsOf } from './cases-client.ts';
import { callWith, tokenFor } from './evaluation-client.ts';

const run = Date.now().toString(36);
const centerId = `center-rc-${run}`;
const as = {
  admin: tokenFor(`rc-admin-${run}`, 'center_admin', centerId),
  deptAdmin: tokenFor(`rc-dept-${run}`, 'dept_admin', centerId, 'amr'),
  clerk: tokenFor(`rc-clerk-${run}`, 'clerk', centerId, 'amr'),
  auditor: tokenFor(`rc-auditor-${run}`, 'auditor', centerId),
};
const thisYear = Number(centerToday().slice(0, 4));
const nextYear = thisYear + 1;
/** This year's schedule as the center enters it: the official 2026 one, or (on a later run) the provisional one standing in. */
const { provisional: _p, ...thisYearSchedule } = thisYear === 2026 ? { ...calendar2026, provisional: undefined } : provisionalYear(thisYear)!;
const counted = (...years: CalendarYear[]) => workCalendar([thisYearSchedule, ...years], 'Asia/Shanghai', provisionalYear);
const onProvisional = counted();
/** A limit that ends in the spring of next year whatever day this runs. */
const limit = workingDaysBetween(onProvisional, centerToday(), `${nextYear}-03-31`);
/** Next year's "official" schedule: the provisional one and one more day off, early in January, which every count passes. */
const extraDayOff = Array.from({ length: 20 }, (_, i) => `${nextYear}-01-${String(i + 2).padStart(2, '0')}`).find((d) => isWorkingDay(onProvisional, d))!;
const { provisional: _q, year: _y, ...provisionalNext } = provisionalYear(nextYear)!;
const officialNext = { ...provisionalNext, holidays: [...provisionalNext.holidays, extraDayOff].sort(), source: 'test schedule' };

async function ok(res: Promise<{ status: number; etag: string; body: any }>, status: number) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

let itemCode: string;
let applicantId: string;

beforeAll(async () => {
  // Centers are provisioned, not created through the API: as the seed does.
  await putCenterProfile(doc, cloud.tableName, { centerId, name: '复算测试中心', timeZone: 'Asia/Shanghai', code: `R${run.toUpperCase()}`.slice(0, 12) });
  await ok(callWith(as.admin, 'PUT', '/admin/departments/amr', { name: '市场监督管理局', chiefRepresentative: '测试' }), 201);
  await ok(callWith(as.admin, 'PUT', `/admin/calendar/${thisYear}`, { holidays: thisYearSchedule.holidays, workdays: thisYearSchedule.workdays }), 201);
  itemCode = freshCode('RC');
  const content = { ...enterpriseItem.content, timeLimits: { ...enterpriseItem.content.timeLimits, statutoryWorkingDays: limit, promisedWorkingDays: limit } };
  let res = await ok(callWith(as.deptAdmin, 'POST', '/admin/items', { code: itemCode, content }), 201);
  for (const [action, token] of [['submit', as.deptAdmin], ['approve', as.admin], ['publish', as.deptAdmin]] as const) {
    res = await ok(callWith(token, 'POST', `/admin/items/${itemCode}/versions/1/${action}`, undefined, { 'if-match': res.etag }), 200);
  }
  const u = `rc.${run}`;
  const reg = await ok(registerApplicant({
    kind: 'enterprise', username: u, name: '复算科技有限公司', email: `${u}@example.com`, phone: '0731-88886666', creditCode: freshCreditCode(), legalRepresentative: '赵六', centerId,
  }), 200);
  applicantId = reg.body.applicantId;
});

describe('a deadline counted on a provisional year', () => {
  it('is marked provisional, and entering the official schedule recounts it, in the timeline and the audit log', async () => {
    const filed = await ok(callWith(as.clerk, 'POST', '/cases', { itemCode, applicantId, fields: enterpriseFields, materials: materialsOf(enterpriseItem.code) }), 201);
    const caseNo = filed.body.caseNo as string;
    const accepted = await ok(callWith(as.clerk, 'POST', `/cases/${caseNo}/accept`, undefined, { 'if-match': filed.etag }), 200);
    const due = deadline(onProvisional, accepted.body.acceptedAt, limit) as string;
    expect(due.startsWith(`${nextYear}-`)).toBe(true);
    expect(accepted.body.deadlines).toEqual({ statutoryDue: due, promisedDue: due, provisional: true });
    expect(accepted.body.receipt).toMatchObject({ statutoryDue: due, promisedDue: due, provisional: true });

    await ok(callWith(as.admin, 'PUT', `/admin/calendar/${nextYear}`, officialNext), 201);
    const dueNow = deadline(counted({ year: nextYear, ...officialNext }), accepted.body.acceptedAt, limit) as string;
    expect(dueNow > due).toBe(true); // the extra day off moves it one working day later

    const recounted = await until('the recount', async () => {
      const r = await callWith(as.clerk, 'GET', `/cases/${caseNo}`);
      return r.body.deadlines.statutoryDue === dueNow ? r : undefined;
    });
    expect(recounted.body.deadlines).toEqual({ statutoryDue: dueNow, promisedDue: dueNow });
    expect(recounted.body.version).toBe(accepted.body.version + 1);
    expect(recounted.body.state).toBe('accepted');
    // The ETag moved with the dates: a change based on the read before the recount is refused.
    expect((await callWith(as.clerk, 'POST', `/cases/${caseNo}/review`, { opinion: '符合' }, { 'if-match': accepted.etag })).status).toBe(412);

    const timeline = await callWith(as.clerk, 'GET', `/cases/${caseNo}/timeline`);
    const recount = timeline.body.items.filter((e: { type: string }) => e.type === 'DeadlinesRecomputed');
    expect(recount).toHaveLength(1);
    expect(recount[0]).toMatchObject({ action: 'recountDeadlines', actor: { id: 'system', role: 'system' }, from: 'accepted', to: 'accepted', deadlines: { statutoryDue: dueNow, promisedDue: dueNow } });

    const day = centerToday();
    const audited = await until('the audit record', async () => {
      const r = await callWith(as.auditor, 'GET', `/audit/events?caseNo=${caseNo}&from=${day}&to=${day}`);
      return r.body.items?.find((e: { action: string }) => e.action === 'DeadlinesRecomputed');
    });
    expect(audited).toMatchObject({
      actor: { id: 'system', role: 'system' },
      oldValue: { deadlines: { statutoryDue: due, promisedDue: due, provisional: true } },
      newValue: { deadlines: { statutoryDue: dueNow, promisedDue: dueNow } },
    });
  });
});
