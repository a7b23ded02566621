/**
 * What the unit tests of the case rules share: the demo center's real items on
 * the real 2026 calendar (March 2026 has no holiday: Mon 03-02, Mon 03-09, …),
 * intake, and an action taken as the handler takes it.
 */
import { expect } from 'vitest';
import type { ItemVersion } from '#schemas/api/catalog';
import { HttpProblem, type FieldFault } from '#shared/errors';
import type { Caller, StaffRole } from '#shared/auth';
import { localDate, workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { demoItems } from '../../../local/seed/items.ts';
import { decide, type CaseRecord } from '../../../functions/cases/lifecycle.ts';
import { applyTransition, newCase, type Applied } from '../../../functions/cases/rules.ts';
import { defaultCaseSettings, type CaseSettings } from '../../../functions/cases/settings.ts';

export const cal = workCalendar([calendar2026]);

export const ENTERPRISE = '370982-AMR-XK-001'; // amr, promised 1 / statutory 3, 容缺 1 day (premises, investor-id tolerable), intake fields
export const CHANGE = '370982-AMR-XK-001-BG'; // amr, no intake fields
export const FOOD = '370982-AMR-XK-002'; // amr, inspection counts toward the limit
export const CONSTRUCTION = '370982-ZJ-XK-001'; // housing, promised 3 / statutory 7, inspection (≤ 5 days) suspends
export const CONTRACTOR = '370982-ZJ-XK-003'; // housing, joint with amr

export const T = (date: string, time = '09:00') => `2026-${date}T${time}:00+08:00`;
export const RECEIVED = T('03-02'); // Mon

export function itemVersion(code: string): ItemVersion {
  const { content } = demoItems.find((i) => i.code === code)!;
  return { code, version: 1, status: 'published', content, createdAt: T('01-05'), createdBy: 'seed', updatedAt: T('01-05') };
}

export const provided = (code: string, missing: readonly string[] = []) =>
  itemVersion(code).content.materials.filter((m) => !missing.includes(m.id)).map((m) => ({ materialId: m.id, form: m.form, count: m.count }));

export function intake(code: string, { missing = [], now = RECEIVED, fields }: { missing?: string[]; now?: string; fields?: Record<string, unknown> } = {}): CaseRecord {
  return newCase(cal, {
    caseNo: 'SF-20260302-00001', centerId: 'c1', timeZone: 'Asia/Shanghai', item: itemVersion(code), channel: 'online', now,
    applicant: { applicantId: '01JQ0000000000000000000000', sub: 'sub-owner', kind: 'enterprise', name: '示范科技有限公司' },
    request: { materials: provided(code, missing), ...(fields ? { fields } : {}) },
  });
}

export const staff = (role: StaffRole, c: CaseRecord, departmentId = c.item.departmentId): Caller => ({ userId: `${departmentId}-${role}`, username: role, roles: [role], centerId: 'c1', departmentId });
export const clerk = (c: CaseRecord) => staff('clerk', c);
export const approver = (c: CaseRecord) => staff('approver', c);
/** The lead department's head (负责人): approves extensions. */
export const head = (c: CaseRecord) => staff('dept_head', c);
export const owner: Caller = { userId: 'sub-owner', username: 'owner', roles: ['applicant'], centerId: 'c1' };

/** The action as the handler takes it: the table must allow it now, then the rules apply (the center's settings: the defaults unless given). */
export function act(c: CaseRecord, action: string, body: Record<string, unknown>, now: string, caller?: Caller, settings: CaseSettings = defaultCaseSettings): Applied {
  const today = localDate(cal, now);
  const d = decide(action, c, { caller, today });
  if (!d.ok) throw new Error(`${action} refused: ${d.refusal.status} ${d.refusal.detail}`);
  const applied = applyTransition(c, d.transition, body, { cal, now, today, caller, settings });
  expect(applied.next.version, `${action} increments the version`).toBe(c.version + 1);
  expect(applied.next.updatedAt).toBe(now);
  return applied;
}

/** The refusal of an input the rules refuse: its problem slug and its errors as "path code". */
export function refusalOf(f: () => unknown): { type: string; detail: string; errors: string[] } {
  try {
    f();
  } catch (err) {
    if (err instanceof HttpProblem) return { type: err.problem.slug, detail: err.message, errors: (err.errors ?? []).map((e: FieldFault) => `${e.path} ${e.code}`) };
    throw err;
  }
  throw new Error('the input was not refused');
}

/** The errors of an input the rules refuse, as "path code". */
export const refusal = (f: () => unknown): string[] => refusalOf(f).errors;
