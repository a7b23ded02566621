/**
 * The complaint table, cell by cell: every action × every state × every kind
 * of caller, allowed or refused with the right problem; the guards; what
 * intake and each action change (due dates on the 2026 calendar, the staff
 * count); and the confidentiality projection (what each caller reads, what
 * events carry). Expectations are written out here, apart from the table.
 */
import { describe, expect, it } from 'vitest';
import { Complaint, complaintStates, type ComplaintState } from '#schemas/api/complaints';
import { ComplaintEventData, StaffRemovalSuggestedData } from '#schemas/events/complaints';
import { eventSchemaOf } from '#schemas/events/registry';
import { problemUri } from '#schemas/api/problems';
import type { Caller, StaffRole } from '#shared/auth';
import { workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { provisionalYear } from '#shared/provisional-calendar';
import { HttpProblem } from '#shared/errors';
import { schemaErrors } from '#shared/validate';
import { dueAfter } from '../../../functions/complaints/clock.ts';
import { complaintEvent, staffRemovalEvent } from '../../../functions/complaints/events.ts';
import { decide, httpActions, nextActions, transitions, type ComplaintRecord } from '../../../functions/complaints/lifecycle.ts';
import { applyAction, assertIntake, newComplaint, staffCountOf } from '../../../functions/complaints/rules.ts';
import { defaultSettings, settingsOf } from '../../../functions/complaints/settings.ts';
import { summary, view } from '../../../functions/complaints/views.ts';

/** As the center context builds it: 2026 entered, later years provisional. */
const cal = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);
const NAME = '王小明';
const CONTACT = '13912345678';
const staff = (role: StaffRole, departmentId?: string, centerId = 'c1'): Caller => ({ userId: `u-${role}-${departmentId ?? 'x'}-${centerId}`, username: role, roles: [role], centerId, ...(departmentId ? { departmentId } : {}) });
const owner: Caller = { userId: 'sub-owner', username: 'owner', roles: ['applicant'], centerId: 'c1' };

/** Every kind of caller of the matrix (undefined: the system). */
const callers: Record<string, Caller | undefined> = {
  complainant: owner,
  'another applicant': { ...owner, userId: 'sub-other' },
  'clerk of the assigned department': staff('clerk', 'amr'),
  'approver of the assigned department': staff('approver', 'amr'),
  'dept_admin of the assigned department': staff('dept_admin', 'amr'),
  'dept_head of the assigned department': staff('dept_head', 'amr'),
  'dept_admin of another department': staff('dept_admin', 'housing'),
  'dept_head of another department': staff('dept_head', 'housing'),
  supervisor: staff('supervisor'),
  'supervisor of another center': staff('supervisor', undefined, 'c2'),
  center_admin: staff('center_admin'),
  auditor: staff('auditor'),
  system: undefined,
};

/** Who takes each action (written out apart from the table) and from which state. */
const expected: Record<string, { by: string[]; from: ComplaintState }> = {
  accept: { by: ['supervisor'], from: 'filed' },
  notAccept: { by: ['supervisor'], from: 'filed' },
  requestExtension: { by: ['dept_admin of the assigned department', 'dept_head of the assigned department'], from: 'assigned' },
  approveExtension: { by: ['supervisor'], from: 'assigned' },
  refuseExtension: { by: ['supervisor'], from: 'assigned' },
  reply: { by: ['dept_admin of the assigned department', 'dept_head of the assigned department'], from: 'assigned' },
  rate: { by: ['complainant', 'supervisor'], from: 'replied' },
  requestReview: { by: ['complainant', 'supervisor'], from: 'unsatisfied' },
  answerReview: { by: ['supervisor'], from: 'under_review' },
  closeUnrated: { by: ['system'], from: 'replied' },
  closeUnreviewed: { by: ['system'], from: 'unsatisfied' },
};

const filed = (over: Partial<ComplaintRecord> = {}): ComplaintRecord => ({
  ...newComplaint({
    complaintId: '01JCMPXAAAAAAAAAAAAAAAAAAA', centerId: 'c1', timeZone: 'Asia/Shanghai', caller: owner,
    body: { subject: { type: 'window', windowId: 'a03' }, category: 'rudeness', content: '窗口人员态度恶劣', contact: CONTACT },
    online: { name: NAME }, respondentDepartmentId: 'amr', cal, now: '2026-11-24T02:00:00.000Z', today: '2026-11-24', settings: defaultSettings,
  }),
  ...over,
});

/** A complaint in `state` on which `action`'s guards hold (an extension pending where one is decided). */
function inState(state: ComplaintState, action: string): ComplaintRecord {
  const extension = ['approveExtension', 'refuseExtension'].includes(action) ? { extension: { reason: '需调查', workingDays: 3, requestedBy: 'u', requestedAt: '2026-11-25T02:00:00.000Z' } } : {};
  return filed({
    state, ...(state === 'filed' ? {} : { departmentId: 'amr', replyDue: '2026-12-01' }), rateDue: '2026-12-01', reviewDue: '2026-12-01', ...extension,
    ...(state === 'under_review' ? { review: { reason: '不满意', requestedAt: '2026-11-25T02:00:00.000Z' } } : {}),
  });
}
/** The system acts once a period is over; everyone else within it. */
const todayFor = (action: string) => (action.startsWith('close') ? '2026-12-10' : '2026-11-25');

const cells = Object.keys(expected).flatMap((action) =>
  complaintStates.flatMap((state) => Object.keys(callers).map((who) => ({ action, state, who }))),
);

describe(`the complaint table (${cells.length} cells: ${Object.keys(expected).length} actions × ${complaintStates.length} states × ${Object.keys(callers).length} callers)`, () => {
  it('has exactly the actions written out here', () => {
    expect([...new Set(transitions.map((t) => t.action))].sort()).toEqual(Object.keys(expected).sort());
    expect(httpActions).not.toContain('closeUnrated');
  });

  it.each(cells)('$action · $state · $who', ({ action, state, who }) => {
    const d = decide(action, inState(state, action), { ...(callers[who] ? { caller: callers[who] } : {}), today: todayFor(action) });
    const { by, from } = expected[action]!;
    // Before its acceptance a complaint has no department: the department's staff take no part yet.
    const actors = state === 'filed' ? by.filter((b) => !b.includes('department')) : by;
    if (!actors.includes(who)) expect(d).toMatchObject({ ok: false, refusal: expect.objectContaining({ status: 403, type: problemUri('forbidden') }) });
    else if (state !== from) expect(d).toMatchObject({ ok: false, refusal: expect.objectContaining({ status: 409, type: problemUri('wrong-state') }) });
    else expect(d.ok).toBe(true);
  });
});

const refused = (status: number, slug: string) => ({ ok: false, refusal: expect.objectContaining({ status, type: problemUri(slug) }) });
const supervisor = callers.supervisor!;
const deptAdmin = callers['dept_admin of the assigned department']!;

/** Runs `action` as `caller` (decide, then the rules). */
function run(c: ComplaintRecord, action: string, caller: Caller | undefined, body: Record<string, unknown>, today: string, facts = {}) {
  const d = decide(action, c, { ...(caller ? { caller } : {}), today });
  if (!d.ok) throw new Error(`${action}: ${d.refusal.status} ${d.refusal.detail}`);
  return applyAction(c, d.transition, body, { cal, now: `${today}T03:00:00.000Z`, today, ...(caller ? { caller } : {}), settings: defaultSettings, facts });
}

describe('the guards', () => {
  it('one extension per complaint; a decision only on a pending one', () => {
    const assigned = inState('assigned', 'reply');
    const asked = run(assigned, 'requestExtension', deptAdmin, { reason: '需调查', workingDays: 3 }, '2026-11-25').next;
    expect(decide('requestExtension', asked, { caller: deptAdmin, today: '2026-11-25' })).toMatchObject(refused(409, 'complaint-extension-already-requested'));
    expect(decide('approveExtension', assigned, { caller: supervisor, today: '2026-11-25' })).toMatchObject(refused(409, 'no-extension-pending'));
    const refusedOnce = run(asked, 'refuseExtension', supervisor, {}, '2026-11-26').next;
    expect(decide('approveExtension', refusedOnce, { caller: supervisor, today: '2026-11-26' })).toMatchObject(refused(409, 'no-extension-pending'));
    expect(decide('requestExtension', refusedOnce, { caller: deptAdmin, today: '2026-11-26' })).toMatchObject(refused(409, 'complaint-extension-already-requested'));
  });

  it('rating and review within their periods; the system closes only after them', () => {
    const replied = inState('replied', 'rate');
    expect(decide('rate', replied, { caller: owner, today: '2026-12-02' })).toMatchObject(refused(409, 'complaint-rating-period-over'));
    expect(decide('closeUnrated', replied, { today: '2026-12-01' })).toMatchObject(refused(409, 'wrong-state'));
    expect(decide('closeUnrated', replied, { today: '2026-12-02' }).ok).toBe(true);
    const unsatisfied = inState('unsatisfied', 'requestReview');
    expect(decide('requestReview', unsatisfied, { caller: owner, today: '2026-12-02' })).toMatchObject(refused(409, 'review-period-over'));
    expect(decide('closeUnreviewed', unsatisfied, { today: '2026-12-01' })).toMatchObject(refused(409, 'wrong-state'));
  });

  it('nextActions lists what the caller may do now, in table order', () => {
    expect(nextActions(filed(), { caller: supervisor, today: '2026-11-25' })).toEqual(['accept', 'notAccept']);
    expect(nextActions(inState('assigned', 'reply'), { caller: deptAdmin, today: '2026-11-25' })).toEqual(['requestExtension', 'reply']);
    expect(nextActions(inState('replied', 'rate'), { caller: owner, today: '2026-11-25' })).toEqual(['rate']);
    expect(nextActions(inState('replied', 'rate'), { caller: callers['clerk of the assigned department']!, today: '2026-11-25' })).toEqual([]);
  });
});

describe('due dates on the center\'s calendar', () => {
  it('counts working days after the day a step starts, across holidays and adjusted working days', () => {
    // Thu 24 Sep → 中秋 25–27, Mon 28 (1) … Wed 30 (3), 国庆 1–7 Oct, Thu 8 (4), Fri 9 (5).
    expect(dueAfter(cal, '2026-09-24', 5)).toEqual({ due: '2026-10-09', provisional: false });
    // Fri 9 Oct + 3: Sat 10 worked (调休, 1), Mon 12 (2), Tue 13 (3).
    expect(dueAfter(cal, '2026-10-09', 3)).toEqual({ due: '2026-10-13', provisional: false });
    // Filed on a Saturday: the acceptance decision is due on the second working day after it.
    expect(dueAfter(cal, '2026-11-28', 2)).toEqual({ due: '2026-12-01', provisional: false });
    // Into 2027, which the center has not entered: a provisional date (decision 61).
    expect(dueAfter(cal, '2026-12-30', 5).provisional).toBe(true);
  });

  it('intake, acceptance, an approved extension, the reply and an unsatisfied rating set their dates', () => {
    const c = filed({ filedAt: '2026-09-22T02:00:00.000Z', acceptDue: dueAfter(cal, '2026-09-22', 2).due });
    expect(c).toMatchObject({ state: 'filed', version: 1, channel: 'website', acceptDue: '2026-09-24', respondentDepartmentId: 'amr', complainantSub: 'sub-owner' });
    const accepted = run(c, 'accept', supervisor, {}, '2026-09-24').next;
    expect(accepted).toMatchObject({ state: 'assigned', version: 2, departmentId: 'amr', replyDue: '2026-10-09' });
    const asked = run(accepted, 'requestExtension', deptAdmin, { reason: '需调查', workingDays: 3 }, '2026-09-28').next;
    const approved = run(asked, 'approveExtension', supervisor, { opinion: '同意' }, '2026-09-29');
    expect(approved.next).toMatchObject({ replyDue: '2026-10-13', extension: { workingDays: 3, decision: { approved: true, opinion: '同意' } } });
    expect(approved.details).toEqual({ approved: true, workingDays: 3 });
    const replied = run(approved.next, 'reply', deptAdmin, { reply: '已核实并致歉', substantiated: true }, '2026-10-12').next;
    expect(replied).toMatchObject({ state: 'replied', rateDue: '2026-10-19', reply: { substantiated: true } });
    const unsatisfied = run(replied, 'rate', owner, { rating: 'unsatisfied' }, '2026-10-13').next;
    expect(unsatisfied).toMatchObject({ state: 'unsatisfied', reviewDue: '2026-10-20' });
    const closed = run(run(unsatisfied, 'requestReview', owner, { reason: '仍不满意' }, '2026-10-14').next, 'answerReview', supervisor, { answer: '复核维持', substantiated: true }, '2026-10-15').next;
    expect(closed).toMatchObject({ state: 'closed', closedAt: '2026-10-15T03:00:00.000Z', review: { answer: '复核维持', substantiated: true } });
  });

  it('a complaint nobody rates closes as satisfied by default', () => {
    const closed = run(inState('replied', 'closeUnrated'), 'closeUnrated', undefined, {}, '2026-12-10');
    expect(closed.next).toMatchObject({ state: 'closed', rating: { rating: 'satisfied', by: 'system', byDefault: true } });
  });

  it('a center\'s own settings replace the defaults where they are whole numbers of 1–60', () => {
    expect(settingsOf(undefined)).toEqual(defaultSettings);
    expect(settingsOf({ replyWorkingDays: 10, acceptWorkingDays: 0, staffRemovalThreshold: 'x' })).toEqual({ ...defaultSettings, replyWorkingDays: 10 });
  });
});

describe('acceptance and the reply\'s checks', () => {
  const problemOf = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return { status: (err as HttpProblem).status, type: (err as HttpProblem).type, paths: (err as HttpProblem).errors?.map((e) => `${e.path} ${e.code}`) };
    }
    throw new Error('no problem');
  };

  it('a subject of no single department needs the department named at acceptance', () => {
    const center = filed({ subject: { type: 'center' } });
    delete (center as { respondentDepartmentId?: string }).respondentDepartmentId;
    expect(problemOf(() => run(center, 'accept', supervisor, {}, '2026-11-25'))).toEqual({ status: 422, type: problemUri('respondent-department-required'), paths: ['/body/departmentId required'] });
    expect(problemOf(() => run(center, 'accept', supervisor, { departmentId: 'nope' }, '2026-11-25', { departmentExists: false }))).toMatchObject({ status: 422, paths: ['/body/departmentId unknown'] });
    expect(run(center, 'accept', supervisor, { departmentId: 'housing' }, '2026-11-25', { departmentExists: true }).next.departmentId).toBe('housing');
  });

  it('names a staff member at fault only when substantiated and only one of the center\'s', () => {
    const assigned = inState('assigned', 'reply');
    expect(problemOf(() => run(assigned, 'reply', deptAdmin, { reply: '不属实', substantiated: false, staffAtFault: 'clerk.amr' }, '2026-11-25', { staffAtFault: { exists: true, counted: 0 } })))
      .toMatchObject({ status: 422, type: problemUri('staff-at-fault-invalid'), paths: ['/body/staffAtFault unexpected'] });
    expect(problemOf(() => run(assigned, 'reply', deptAdmin, { reply: '属实', substantiated: true, staffAtFault: 'ghost' }, '2026-11-25', { staffAtFault: { exists: false, counted: 0 } })))
      .toMatchObject({ status: 422, paths: ['/body/staffAtFault unknown'] });
    const counted = run(assigned, 'reply', deptAdmin, { reply: '属实', substantiated: true, staffAtFault: 'clerk.amr' }, '2026-11-25', { staffAtFault: { exists: true, counted: 1 } });
    expect(counted.staffCount).toEqual({ username: 'clerk.amr', year: 2026, counted: 1, threshold: 2, reachesThreshold: true });
    expect(counted.details).toEqual({ substantiated: true, staffAtFault: 'clerk.amr' });
  });

  it('suggests the removal once: when the year\'s count reaches the threshold, not before nor after', () => {
    expect(staffCountOf('clerk.amr', '2026-03-01', 0, 2).reachesThreshold).toBe(false);
    expect(staffCountOf('clerk.amr', '2026-03-01', 1, 2).reachesThreshold).toBe(true);
    expect(staffCountOf('clerk.amr', '2026-03-01', 2, 2).reachesThreshold).toBe(false);
    expect(staffCountOf('clerk.amr', '2027-01-01', 0, 1)).toMatchObject({ year: 2027, reachesThreshold: true });
  });

  it('intake: an applicant gives a contact only, staff the channel and the complainant, the hotline the complainant; the subject names exactly its identifier (400, every field)', () => {
    const subject = { type: 'case' as const, windowId: 'a03' };
    expect(problemOf(() => assertIntake({ subject, category: 'other', content: 'x', channel: 'phone', complainant: { name: NAME, contact: CONTACT } }, 'online'))).toEqual({
      status: 400, type: problemUri('validation-failed'),
      paths: ['/body/subject/caseNo required', '/body/subject/windowId unexpected', '/body/channel enum', '/body/complainant unexpected', '/body/contact required'],
    });
    expect(problemOf(() => assertIntake({ subject: { type: 'center' }, category: 'other', content: 'x', channel: 'website', contact: CONTACT }, 'staff'))).toMatchObject({
      paths: ['/body/channel enum', '/body/complainant required', '/body/contact unexpected'],
    });
    expect(() => assertIntake({ subject: { type: 'center' }, category: 'other', content: 'x', channel: 'hotline_12345', complainant: { name: NAME, contact: CONTACT } }, 'staff')).not.toThrow();
    // The hotline's system: the channel is its own (given or not), the complainant as staff give it.
    expect(problemOf(() => assertIntake({ subject: { type: 'center' }, category: 'other', content: 'x', channel: 'phone', contact: CONTACT }, 'hotline'))).toMatchObject({
      paths: ['/body/channel enum', '/body/complainant required', '/body/contact unexpected'],
    });
    expect(() => assertIntake({ subject: { type: 'center' }, category: 'other', content: 'x', complainant: { name: NAME, contact: CONTACT } }, 'hotline')).not.toThrow();
  });
});

describe('confidentiality', () => {
  const c = inState('assigned', 'reply');
  const leaks = (v: unknown) => JSON.stringify(v).includes(NAME) || JSON.stringify(v).includes(CONTACT);

  it('the department complained about reads the complaint without the complainant; supervisors and the complainant with them', () => {
    for (const who of ['clerk of the assigned department', 'dept_admin of the assigned department', 'dept_head of the assigned department', 'approver of the assigned department']) {
      const v = view(c, callers[who]!, '2026-11-25');
      expect(v.complainant, who).toBeUndefined();
      expect(leaks(v), who).toBe(false);
      // Nor the online complainant's account id, which would name them too.
      expect(JSON.stringify(v), who).not.toContain(owner.userId);
      expect(schemaErrors(Complaint, v), who).toEqual([]);
    }
    const rated = run(inState('replied', 'rate'), 'rate', owner, { rating: 'unsatisfied' }, '2026-11-25').next;
    expect(view(rated, deptAdmin, '2026-11-25').rating).toEqual({ rating: 'unsatisfied', at: '2026-11-25T03:00:00.000Z' });
    expect(view(rated, supervisor, '2026-11-25')).toMatchObject({ filedBy: owner.userId, rating: { by: owner.userId } });
    expect(view(c, supervisor, '2026-11-25').complainant).toEqual({ name: NAME, contact: CONTACT });
    expect(view(c, owner, '2026-11-25').complainant).toEqual({ name: NAME, contact: CONTACT });
    expect(leaks(summary(c, '2026-11-25'))).toBe(false);
    // Nothing only the service sees is ever shown.
    expect(Object.keys(view(c, supervisor, '2026-11-25'))).not.toEqual(expect.arrayContaining(['complainantSub', 'centerId', 'timeZone']));
  });

  it('events carry ids and codes only: no name, no contact, no free text', async () => {
    const replied = run(c, 'reply', deptAdmin, { reply: `已联系${NAME}（${CONTACT}）`, substantiated: true, staffAtFault: 'clerk.amr' }, '2026-11-25', { staffAtFault: { exists: true, counted: 1 } });
    const event = complaintEvent(replied.next, 'reply', 'ComplaintReplied', { id: deptAdmin.userId, role: 'dept_admin', departmentId: 'amr' }, '2026-11-25T03:00:00.000Z', { fromState: 'assigned', details: replied.details });
    expect(leaks(event)).toBe(false);
    expect(JSON.stringify(event)).not.toContain('已联系');
    expect(schemaErrors(ComplaintEventData, event.data)).toEqual([]);
    const removal = staffRemovalEvent(replied.next, replied.staffCount!, event.actor, '2026-11-25T03:00:00.000Z');
    expect(removal.data).toEqual({ username: 'clerk.amr', year: 2026, substantiated: 2, threshold: 2, complaintId: c.complaintId, departmentId: 'amr' });
    expect(schemaErrors(StaffRemovalSuggestedData, removal.data)).toEqual([]);
    expect((await eventSchemaOf('onestop.complaints', 'ComplaintReplied')).known).toBe(true);
    expect((await eventSchemaOf('onestop.complaints', 'StaffRemovalSuggested')).known).toBe(true);
  });
});
