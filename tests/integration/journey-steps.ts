/**
 * Following one case through its lifecycle over HTTP, as the journey tests
 * do (cases-journeys.test.ts, the hearing journey in emulated time): each
 * step that succeeds is checked (state, version and ETag, the actor's next
 * actions, the deadlines as the clock module computes them on the 2026
 * calendar) and logged, so the test can compare the log with the timeline.
 */
import { expect } from 'vitest';
import { calendar2026 } from '#shared/calendar-2026';
import { workCalendar } from '#shared/calendar';
import { provisionalYear } from '#shared/provisional-calendar';
import { deadlinesOf, deliveryPausesOf } from '../../functions/cases/clock.ts';
import { call, cloud, until } from './api-client.ts';
import { act, auditOf, expectShape, timelineOf } from './cases-client.ts';
import { thresholdDetailTypes } from '#schemas/events/threshold-types';
import type { ClockEffect } from '#schemas/api/case-clock';

/** The demo center entered 2026 only: later years are provisional, as the functions count them. */
export const journeyCalendar = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);

export const roleOf = (username: string) => cloud.users.find((u) => u.username === username)?.roles[0] ?? 'applicant';

export interface Entry { type: string; action: string; from?: string; to: string; clockEffect?: ClockEffect; role: string }
/** A case followed through its journey: what each step recorded (`log`) and the deadlines it left (`dl`). */
export interface Journey { caseNo: string; etag: string; version: number; state: string; log: Entry[]; dl: unknown[]; reader: string }

/** One action that succeeds: state, version, ETag, next actions, deadlines as the clock module computes them. */
export async function step(j: Journey, action: string, as: string, exp: { to?: string; type: string; clock?: ClockEffect; next?: string[]; role?: string }, body?: unknown) {
  const res = await act(j.caseNo, action, as, j.etag, body);
  const c = res.body;
  const to = exp.to ?? j.state;
  expect(c).toMatchObject({ caseNo: j.caseNo, state: to, version: j.version + 1 });
  expect(res.etag).toBe(`"${j.version + 1}"`);
  if (exp.next) expect(c.nextActions, `${action}: next actions of ${as}`).toEqual(exp.next);
  if (c.clock.startedAt) expect(c.deadlines).toEqual(deadlinesOf(journeyCalendar, c.clock, c.decision?.at, deliveryPausesOf(c)));
  if (exp.clock !== 'start') expect(res.body.receipt).toBeUndefined();
  j.dl.push(c.deadlines);
  j.log.push({ type: exp.type, action, from: j.state, to, ...(exp.clock ? { clockEffect: exp.clock } : {}), role: exp.role ?? roleOf(as) });
  Object.assign(j, { etag: res.etag, version: j.version + 1, state: to });
  return res;
}

/** The case as `as` reads it, its shape and ETag checked, and the next actions `as` is offered. */
export async function read(j: Pick<Journey, 'caseNo'>, as: string, next?: string[]) {
  const res = await call('GET', `/cases/${j.caseNo}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectShape(res);
  expect(res.etag).toBe(`"${res.body.version}"`);
  if (next) expect(res.body.nextActions, `next actions of ${as}`).toEqual(next);
  return res;
}

/** The timeline as `j.reader` reads it, printed, then checked entry by entry against the journey's log; its staff actors are real accounts. */
async function expectTimeline(j: Journey) {
  const items = await timelineOf(j.caseNo, j.reader);
  console.log(`timeline of ${j.caseNo} (${expect.getState().currentTestName}):\n${items
    .map((e) => `  ${e.at}  ${e.action} → ${e.type}  ${e.from ?? '·'} → ${e.to}  by ${e.actor.role}${e.clockEffect ? `  clock ${e.clockEffect}` : ''}`)
    .join('\n')}`);
  expect(items.map((e) => ({ type: e.type, action: e.action, from: e.from, to: e.to, clockEffect: e.clockEffect, role: e.actor.role }))).toEqual(
    j.log.map((e) => ({ from: undefined, clockEffect: undefined, ...e })),
  );
  expect(items.map((e) => e.deadlines)).toEqual(j.dl);
  const staff = items.filter((e) => e.actor.role !== 'applicant' && e.actor.role !== 'system');
  for (const e of staff) expect(cloud.users.some((u) => u.sub === e.actor.id), e.action).toBe(true);
}

/**
 * The timeline, entry by entry, then the audit log between the days `from` and `to`: every
 * detail-type of the journey's log, in order by occurredAt (the clock thresholds the case reached
 * are audited as well; the lifecycle's records are checked here).
 */
export async function expectRecords(j: Journey, from: string, to: string) {
  await expectTimeline(j);
  const want = j.log.map((e) => e.type);
  const records = (await until(`audit of ${j.caseNo}`, async () => {
    const got = (await auditOf(j.caseNo, from, to)).filter((r) => !thresholdDetailTypes.includes((r as unknown as { action: string }).action));
    return got.length >= want.length ? got : undefined;
  }, 30_000)) as unknown as { action: string; occurredAt: string; subject: { type: string; id: string }; data: { toState: string; caseVersion: number } }[];
  expect(records.map((r) => r.action)).toEqual(want);
  expect(records.map((r) => [r.data.toState, r.data.caseVersion])).toEqual(j.log.map((e, i) => [e.to, i + 1]));
  expect(records.map((r) => r.occurredAt)).toEqual([...records.map((r) => r.occurredAt)].sort());
  for (const r of records) expect(r.subject).toEqual({ type: 'case', id: j.caseNo });
}
