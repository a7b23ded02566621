/** Helpers for case tests over HTTP: intake with a full checklist, actions with If-Match, audit lookups. */
import { expect } from 'vitest';
import { demoItems } from '../../local/seed/items.ts';
import { Case, Timeline } from '#schemas/api/cases';
import { validationErrors } from '#shared/validate';
import { call, type Reply } from './api-client.ts';

export const itemByMode = (mode: string, departmentId?: string) =>
  demoItems.find((i) => i.content.serviceMode === mode && (!departmentId || i.content.departmentId === departmentId))!;

/** The demo item with intake fields, 容缺 and a 1-day promised limit (企业设立登记, amr). */
export const enterpriseItem = demoItems.find((i) => i.code === '370982-AMR-XK-001')!;
export const enterpriseFields = { proposedName: '示范科技有限公司', enterpriseType: '有限责任公司' };

/** Every checklist entry of an item, as handed in (optionally leaving some out). */
export function materialsOf(code: string, leaveOut: readonly string[] = []) {
  const item = demoItems.find((i) => i.code === code)!;
  return item.content.materials.filter((m) => !leaveOut.includes(m.id)).map((m) => ({ materialId: m.id, form: m.form, count: m.count }));
}

export function fieldsOf(code: string) {
  return code === enterpriseItem.code ? enterpriseFields : undefined;
}

/** Asserts the reply is a valid Case (an action's answer is the case too) by the API's own schemas. */
export function expectShape(reply: Reply, schema: typeof Case | typeof Timeline = Case) {
  expect(validationErrors(schema, reply.body), JSON.stringify(reply.body).slice(0, 500)).toEqual([]);
}

/** Applies online as `as` (an applicant) or at the counter (a clerk naming `applicantId`). */
export async function submit(code: string, opts: { as?: string; applicantId?: string; leaveOut?: readonly string[]; headers?: Record<string, string> } = {}) {
  const fields = fieldsOf(code);
  const res = await call('POST', '/cases', {
    as: opts.as ?? 'zhang.san',
    body: { itemCode: code, ...(fields ? { fields } : {}), materials: materialsOf(code, opts.leaveOut), ...(opts.applicantId ? { applicantId: opts.applicantId } : {}) },
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expectShape(res);
  return res;
}

/** POST /cases/{caseNo}/{action} with the given ETag, problems in English; asserts the status (200 by default). */
export async function act(caseNo: string, action: string, as: string, etag: string, body?: unknown, status = 200) {
  const res = await call('POST', `/cases/${caseNo}/${action}`, { as, headers: { 'if-match': etag, 'accept-language': 'en' }, ...(body !== undefined ? { body } : {}) });
  expect(res.status, `${action} as ${as}: ${JSON.stringify(res.body)}`).toBe(status);
  if (status === 200) expectShape(res);
  return res;
}

/** The seeded road item (城市道路占用、挖掘审批) of housing: two fees, paid before delivery. */
export const ROAD = '370982-ZJ-XK-004';

/** A road case granted and completed (办结) by housing's clerk and approver: its fees' gate is open. */
export async function completedRoadCase(): Promise<string> {
  const sub = await submit(ROAD, { as: 'zhang.san' });
  const caseNo = sub.body.caseNo as string;
  const accepted = await act(caseNo, 'accept', 'clerk.housing', sub.etag);
  const reviewed = await act(caseNo, 'review', 'clerk.housing', accepted.etag, { opinion: '符合条件' });
  const approved = await act(caseNo, 'approve', 'approver.housing', reviewed.etag);
  await act(caseNo, 'complete', 'clerk.housing', approved.etag);
  return caseNo;
}

export const timelineOf = async (caseNo: string, as = 'clerk.amr') => {
  const res = await call('GET', `/cases/${caseNo}/timeline`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectShape(res, Timeline);
  return res.body.items as { at: string; type: string; action: string; from?: string; to: string; clockEffect?: string; actor: { id: string; role: string }; deadlines: Record<string, unknown>; details: Record<string, unknown> }[];
};

/** The audit records of a case's own lifecycle (GET /audit/events by subject, source onestop.cases; notifications about it are left out). */
export async function auditOf(caseNo: string, from: string, to: string) {
  const res = await call('GET', `/audit/events?from=${from}&to=${to}&subjectType=case&subjectId=${encodeURIComponent(caseNo)}&limit=100`, { as: 'auditor' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { action: string; source: string }[]).filter((r) => r.source === 'onestop.cases');
}
