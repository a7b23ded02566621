import { describe, expect, it } from 'vitest';
import { type CaseMaterial } from '#schemas/api/cases';
import { userRoles } from '#schemas/api/common';
import type { Caller, StaffRole } from '#shared/auth';
import { demoItems } from '../../../local/seed/items.ts';
import { decide as decideRaw, httpActions, nextActions, nextState, rowsOf, transitions, type Actor, type CaseRecord, type Context, type Decision } from '../../../functions/cases/lifecycle.ts';
import { caseProblems } from '../../../functions/cases/problems.ts';
import { genericProblems } from '#schemas/api/problems';
import { caseStates, type CaseState } from '#schemas/api/case-clock';

/** A decision as the API would answer it: a refusal by its status, problem type and English detail. */
function flat(d: Decision) {
  return d.ok ? d : { ok: false as const, status: d.refusal.status, type: d.refusal.problem.slug, detail: d.refusal.detail };
}
const decide = (...args: Parameters<typeof decideRaw>) => flat(decideRaw(...args));
const statusOf = (slug: string) => ({ ...genericProblems, ...caseProblems } as Record<string, { status: number }>)[slug]!.status;

/**
 * The lifecycle table, cell by cell: every row × every kind of caller × a state
 * in the row's `from` and one outside. The rows (actions, states, actors, clock)
 * are written out here by hand, apart from the table, so a change to the table
 * shows up as a failing cell. Items are the demo center's real ones.
 */
const ENTERPRISE = '370982-AMR-XK-001'; // amr, promised, 容缺 (1 working day)
const SOLE = '370982-AMR-XK-003'; // amr, immediate (即办件)
const CONTRACTOR = '370982-ZJ-XK-003'; // housing, joint with amr (联办件)
const RADIOTHERAPY = '370982-WJ-XK-004'; // health, escalated (上报件)

const RECEIVED = '2026-03-02T09:00:00+08:00'; // Mon
const NOTICE_DUE = '2026-03-09'; // 5 working days after receipt
const TODAY = '2026-03-04';
const LATE = '2026-03-10'; // after the notice period and the pledge deadline
const PLEDGE_DUE = '2026-03-06';
const SUPPLEMENT_DUE = '2026-03-09';

interface Setup { readonly item?: string; readonly state?: CaseState; readonly today?: string; readonly patch?: Partial<CaseRecord>; readonly charge?: Context['charge'] }

const itemOf = (code: string) => demoItems.find((i) => i.code === code)!;

/** The item's checklist, every entry provided unless `statuses` says otherwise. */
function materials(code: string, statuses: Record<string, CaseMaterial['status']> = {}): CaseMaterial[] {
  return itemOf(code).content.materials.map((m) => ({ materialId: m.id, name: m.name, required: m.required, form: m.form, count: m.count, status: statuses[m.id] ?? 'provided' }));
}

/** A case of the item (default: the joint one, co-department steps done), received RECEIVED, all materials in. */
function record(s: Setup): CaseRecord {
  const code = s.item ?? CONTRACTOR;
  const { content } = itemOf(code);
  const joint = content.jointDepartments ?? [];
  return {
    caseNo: 'SF-20260302-00001', centerId: 'c1', applicantSub: 'sub-owner', timeZone: 'Asia/Shanghai', state: s.state ?? 'submitted', version: 3, channel: 'online',
    item: { code, version: 1, name: content.name, departmentId: content.departmentId, serviceMode: content.serviceMode, jointDepartments: joint },
    applicant: { applicantId: '01JQ0000000000000000000000', kind: 'enterprise', name: '示范建设有限公司' },
    fields: {}, materials: materials(code), receivedAt: RECEIVED, noticeDue: NOTICE_DUE, noticeWorkingDays: 5,
    ...(content.tolerantAcceptance ? { toleranceWorkingDays: content.tolerantAcceptance.toleranceWorkingDays } : {}),
    extensionAllowance: joint.length ? 15 : 10,
    specialProcedures: content.specialProcedures.map(({ kind, maxWorkingDays, countsTowardLimit }) => ({ kind, maxWorkingDays, countsTowardLimit })),
    reviews: [],
    jointSteps: joint.map((departmentId) => ({ departmentId, status: 'done' as const, opinion: '同意', agrees: true })),
    clock: { statutoryWorkingDays: content.timeLimits.statutoryWorkingDays, promisedWorkingDays: content.timeLimits.promisedWorkingDays, extensionWorkingDays: 0, deliveryWorkingDays: 10, suspensions: [] },
    deadlines: {}, createdAt: RECEIVED, updatedAt: RECEIVED,
    ...s.patch,
  };
}

// ---------------------------------------------------------------------------
// Callers: the owner, another applicant, each staff role of the lead, a co- and another department, another center, the system

const staffRoles = userRoles.filter((r) => r !== 'applicant');
type Where = 'lead' | 'co' | 'other';
type Who = 'owner' | 'non-owner' | 'other-center' | 'system' | `${StaffRole}@${Where}`;
const whos: Who[] = ['owner', 'non-owner', ...staffRoles.flatMap((r) => (['lead', 'co', 'other'] as const).map((w): Who => `${r}@${w}`)), 'other-center', 'system'];

/** The lead department, a co-department (the joint item's; else some department with no step) and an unrelated one. */
function departments(c: CaseRecord): Record<Where, string> {
  const all = ['amr', 'housing', 'health', 'hrss'];
  const lead = c.item.departmentId;
  const co = c.item.jointDepartments[0] ?? all.find((d) => d !== lead)!;
  return { lead, co, other: all.find((d) => d !== lead && d !== co)! };
}

function callerOf(who: Who, c: CaseRecord): Caller | undefined {
  const d = departments(c);
  if (who === 'system') return undefined;
  if (who === 'owner') return { userId: c.applicantSub, username: 'owner', roles: ['applicant'], centerId: c.centerId };
  if (who === 'non-owner') return { userId: 'sub-someone-else', username: 'someone', roles: ['applicant'], centerId: c.centerId };
  // Every role, the lead department, even the owner's account: only the center is wrong.
  if (who === 'other-center') return { userId: c.applicantSub, username: 'elsewhere', roles: [...userRoles], centerId: 'c2', departmentId: d.lead };
  const [role, where] = who.split('@') as [StaffRole, Where];
  return { userId: `${d[where]}-${role}`, username: `${d[where]}-${role}`, roles: [role], centerId: c.centerId, departmentId: d[where] };
}

// ---------------------------------------------------------------------------
// The table as it should be: action, from, to, actors, clock effect, and a case on which the row's guards hold

/** A supplement notice out, its last day SUPPLEMENT_DUE. */
const noticed: Partial<CaseRecord> = { supplementNotice: { issuedAt: RECEIVED, items: [{ materialId: 'key-staff', problem: 'missing', detail: '补交主要人员名单' }], due: SUPPLEMENT_DUE } };
const pending = { tolerance: { missing: [{ materialId: 'premises', detail: '住所使用证明，三个工作日内补交' }], due: PLEDGE_DUE } };
const extensionBy = (requestedBy: string) => ({ extension: { reason: '需组织专家论证', requestedBy, requestedAt: '2026-03-03T10:00:00+08:00' } });
/** A co-department's dissent (不同意), and the center's coordination after it. */
const dissent = { departmentId: 'amr', status: 'done' as const, opinion: '不同意：资质条件不符', agrees: false, by: 'amr-approver', at: '2026-03-03T10:00:00+08:00' };
const coordinated = { outcome: 'resolved' as const, note: '经协调，补充业绩证明后同意', by: 'supervisor', at: '2026-03-04T10:00:00+08:00' };
/** The parties were told of the right to a hearing on 03-03: they may ask until 03-10 (5 working days). */
const HEARING_REQUEST_DUE = '2026-03-10';
const rightNotice = { parties: [{ name: '示范建设有限公司', role: 'applicant' as const }], toldAt: '2026-03-03T10:00:00+08:00', requestDue: HEARING_REQUEST_DUE };
const rightNoticed: Partial<CaseRecord> = { hearing: { rightNotice } };
const hearingRequested: Partial<CaseRecord> = {
  hearing: { rightNotice, request: { by: 'applicant', party: '示范建设有限公司', at: '2026-03-04T10:00:00+08:00', organiseBy: '2026-04-01' } },
  suspension: { kind: 'hearing', from: '2026-03-04T10:00:00+08:00', reason: '听证', expectedWorkingDays: 20 },
};
const hearingScheduled: Partial<CaseRecord> = { ...hearingRequested, hearing: { ...hearingRequested.hearing, schedule: { at: '2026-03-20T09:30:00+08:00', place: '三楼听证室', noticedAt: '2026-03-05T10:00:00+08:00' } } };
/** The radiotherapy case back from the provincial commission: without a decision (sent back for more review), or with one. */
const returnedFrom = { authority: '山东省卫生健康委员会', reason: '由省级卫生健康部门审批', from: '2026-03-03T10:00:00+08:00', returnedAt: '2026-03-04T10:00:00+08:00' };
const upper = (outcome: 'granted' | 'denied') => ({ authority: '山东省卫生健康委员会', documentNo: '鲁卫放审〔2026〕12号', decidedOn: '2026-03-04', outcome, ...(outcome === 'granted' ? { certificateNo: '鲁卫放证字〔2026〕第0012号' } : {}) });
const sentBack: Setup = { item: RADIOTHERAPY, state: 'under_review', patch: { escalation: returnedFrom } };
const upperDecided = (outcome: 'granted' | 'denied'): Setup => ({ item: RADIOTHERAPY, state: 'under_review', patch: { escalation: { ...returnedFrom, upperDecision: upper(outcome) } } });
const OPEN = 'submitted supplement_requested accepted under_review suspended escalated';
/** The payment gate: the item's terms as intake records them, a charge issued (CH-1, the fees domain's id) and the case waiting to pay since 03-03. */
type Stage = NonNullable<CaseRecord['payment']>['stage'];
const terms = (stage: Stage, over: Partial<NonNullable<CaseRecord['payment']>> = {}): Partial<CaseRecord> => ({ payment: { stage, status: 'due', onUnpaidExpiry: 'terminate', ...over } });
const charged = (stage: Stage, over: Partial<NonNullable<CaseRecord['payment']>> = {}): Partial<CaseRecord> =>
  terms(stage, { chargeId: 'CH-1', dueFen: 50_000, payBy: '2026-03-20', waits: [{ from: '2026-03-03T10:00:00+08:00' }], ...over });
const granted: Partial<CaseRecord> = { decision: { outcome: 'approved', at: '2026-03-03T09:00:00+08:00' } };
const ISSUED = { chargeId: 'CH-1', stage: 'before_acceptance' } as const;
const ISSUED_D = { chargeId: 'CH-1', stage: 'before_delivery' } as const;
const RUNNING = 'accepted under_review suspended escalated';

type Row = readonly [action: string, from: string, to: string, by: string, clock: string, setup: Setup];
const expectedRows: readonly Row[] = [
  ['accept', 'submitted', 'accepted', 'lead:clerk', 'start', {}],
  ['acceptWithTolerance', 'submitted', 'accepted', 'lead:clerk', 'start', { item: ENTERPRISE }],
  ['refuse', 'submitted', 'refused', 'lead:clerk', '', {}],
  ['requestSupplement', 'submitted', 'supplement_requested', 'lead:clerk', '', {}],
  ['supplement', 'supplement_requested', 'submitted', 'applicant lead:clerk', '', {}],
  ['deemAccepted', 'submitted', 'accepted', 'system', 'start', { today: LATE }],
  ['timeOutSupplement', 'supplement_requested', 'terminated', 'system', '', { patch: noticed, today: LATE }],
  ['completeTolerance', RUNNING, 'same', 'lead:clerk', '', { item: ENTERPRISE, patch: pending }],
  ['terminateTolerance', RUNNING, 'terminated', 'system', 'stop', { item: ENTERPRISE, patch: pending, today: LATE }],
  ['review', 'accepted under_review', 'under_review', 'lead:clerk lead:approver', '', {}],
  ['giveJointOpinion', 'accepted under_review', 'same', 'joint:clerk joint:approver', '', { patch: { jointSteps: [{ departmentId: 'amr', status: 'open' }] } }],
  ['coordinate', RUNNING, 'same', 'center:supervisor center:center_admin', '', { patch: { jointSteps: [dissent] } }],
  ['suspend', 'under_review', 'suspended', 'lead:clerk lead:approver', 'suspend', {}],
  ['resume', 'suspended', 'under_review', 'lead:clerk lead:approver', 'resume', {}],
  ['escalate', 'under_review', 'escalated', 'lead:approver', 'suspend', { item: RADIOTHERAPY }],
  ['returnFromEscalation', 'escalated', 'under_review', 'lead:clerk lead:approver', 'resume', { item: RADIOTHERAPY }],
  ['requestExtension', 'under_review', 'same', 'lead:clerk lead:approver', '', {}],
  ['approveExtension', 'under_review', 'same', 'lead:dept_head', 'extend', { patch: extensionBy('housing-clerk') }],
  ['noticeHearingRight', 'under_review', 'same', 'lead:clerk lead:approver', '', {}],
  ['requestHearing', 'under_review', 'suspended', 'applicant lead:clerk', 'suspend', { patch: rightNoticed }],
  ['requireHearing', 'under_review', 'suspended', 'lead:approver', 'suspend', {}],
  ['scheduleHearing', 'suspended', 'same', 'lead:clerk lead:approver', '', { patch: hearingRequested }],
  ['recordHearingOutcome', 'suspended', 'under_review', 'lead:clerk lead:approver', 'resume', { patch: hearingScheduled }],
  ['approve', 'under_review', 'approved', 'lead:approver', 'stop', {}],
  ['approve', 'accepted', 'approved', 'lead:clerk lead:approver', 'stop', { item: SOLE }],
  ['deny', 'under_review', 'denied', 'lead:approver', 'stop', {}],
  ['deny', 'accepted', 'denied', 'lead:clerk lead:approver', 'stop', { item: SOLE }],
  ['complete', 'approved denied', 'completed', 'lead:clerk lead:approver', '', {}],
  ['deliver', 'completed', 'delivered', 'lead:clerk', '', {}],
  ['withdraw', OPEN, 'withdrawn', 'applicant lead:clerk', 'stop', {}],
  ['withdraw', 'to_pay', 'withdrawn', 'applicant lead:clerk', 'stop', { patch: charged('before_acceptance') }],
  ['requirePayment', 'submitted', 'to_pay', 'system', '', { patch: terms('before_acceptance'), charge: ISSUED }],
  ['requirePayment', 'completed', 'to_pay', 'system', '', { patch: { ...terms('before_delivery'), ...granted }, charge: ISSUED_D }],
  ['requirePayment', 'to_pay', 'same', 'system', '', { patch: charged('before_acceptance', { chargeId: 'CH-0', status: 'expired' }), charge: ISSUED }],
  ['recordPayment', 'to_pay', 'submitted', 'system', '', { patch: charged('before_acceptance'), charge: ISSUED }],
  ['recordPayment', 'to_pay', 'completed', 'system', '', { patch: { ...charged('before_delivery'), ...granted }, charge: ISSUED_D }],
  ['expireCharge', 'to_pay', 'terminated', 'system', '', { patch: charged('before_acceptance'), charge: ISSUED }],
  ['awaitNewCharge', 'to_pay', 'same', 'system', '', { patch: charged('before_delivery', { onUnpaidExpiry: 'keep_waiting' }), charge: ISSUED_D }],
  ['cancelCharge', 'to_pay', 'submitted', 'system', '', { patch: charged('before_acceptance'), charge: ISSUED }],
  ['cancelCharge', 'to_pay', 'completed', 'system', '', { patch: { ...charged('before_delivery'), ...granted }, charge: ISSUED_D }],
];

const actorName = (a: Actor) => (a.role === 'system' || a.role === 'applicant' ? a.role : `${a.on}:${a.role}`);
const states = (r: Row) => r[1].split(' ');

/** Whether `who` is the written-out actor on `c`: a co-department is one with a step on the case. */
function isActor(actor: string, who: Who, c: CaseRecord): boolean {
  if (actor === 'system') return who === 'system';
  if (actor === 'applicant') return who === 'owner';
  const [on, role] = actor.split(':');
  if (on === 'lead') return who === `${role}@lead`;
  if (on === 'center') return who.startsWith(`${role}@`);
  return who === `${role}@co` && c.jointSteps.some((s) => s.departmentId === departments(c).co);
}

/**
 * 403 when `who` takes no row of the action on `c`; 409 when none of its rows leaves `state`; else the row:
 * row `i` (whose case `c` is) when it leaves `state` — rows of one action leaving the same state are told apart by their guards (the payment stage).
 */
function expectedDecision(action: string, state: CaseState, who: Who, c: CaseRecord, i?: number): { row: number } | { status: 403 | 409 } {
  const mine = expectedRows.map((r, j) => [r, j] as const).filter(([r]) => r[0] === action && r[3].split(' ').some((a) => isActor(a, who, c)));
  if (mine.length === 0) return { status: 403 };
  const row = mine.find(([r, j]) => j === i && states(r).includes(state)) ?? mine.find(([r]) => states(r).includes(state));
  return row ? { row: row[1] } : { status: 409 };
}

/** A state no row of the action leaves, varied by row. */
function outside(action: string, i: number): CaseState {
  const taken = new Set(expectedRows.filter((r) => r[0] === action).flatMap(states));
  const free = caseStates.filter((s) => !taken.has(s));
  return free[i % free.length]!;
}

const cells = expectedRows.flatMap((row, i) =>
  [...(states(row) as CaseState[]), outside(row[0], i)].flatMap((state) => whos.map((who) => ({ i, action: row[0], state, inFrom: states(row).includes(state), who }))),
);
const allowedCells = cells.filter(({ i, action, state, who }) => 'row' in expectedDecision(action, state, who, record({ ...expectedRows[i]![5], state }), i)).length;
const covered = new Set<number>();

describe(`lifecycle matrix: ${expectedRows.length} rows × their states + 1 outside × ${whos.length} callers = ${cells.length} cells (${allowedCells} allowed)`, () => {
  it('the table is the one written out here (action, from, to, actors, clock)', () => {
    expect(transitions.map((t) => [t.action, t.from.join(' '), t.to, t.by.map(actorName).join(' '), t.clock ?? ''])).toEqual(expectedRows.map((r) => r.slice(0, 5)));
  });

  it.each(cells)('row $i $action · state $state (in from: $inFrom) · $who', ({ i, action, state, who }) => {
    const setup = expectedRows[i]![5];
    const c = record({ ...setup, state });
    const got = decide(action, c, { caller: callerOf(who, c), today: setup.today ?? TODAY, ...(setup.charge ? { charge: setup.charge } : {}) });
    const want = expectedDecision(action, state, who, c, i);
    if ('row' in want) {
      expect(got).toEqual({ ok: true, transition: transitions[want.row] });
      if (got.ok) expect(got.transition).toBe(transitions[want.row]);
      covered.add(want.row);
    } else if (want.status === 403) {
      expect(got).toEqual({ ok: false, status: 403, type: 'forbidden', detail: `You may not ${action} this case.` });
    } else {
      expect(got).toEqual({ ok: false, status: 409, type: 'wrong-state', detail: `A case in state ${state} cannot ${action}.` });
    }
  });

  it('every row of the table is allowed in at least one cell', () => {
    expect([...covered].sort((a, b) => a - b)).toEqual(transitions.map((_, i) => i));
  });
});

// ---------------------------------------------------------------------------

const decideFor = (action: string, who: Who, s: Setup) => {
  const c = record(s);
  return decide(action, c, { caller: callerOf(who, c), today: s.today ?? TODAY, ...(s.charge ? { charge: s.charge } : {}) });
};
const ur = 'under_review' as const;
const ent = (state: CaseState, patch: Partial<CaseRecord> = {}, today?: string): Setup => ({ item: ENTERPRISE, state, patch, ...(today ? { today } : {}) });
/** The joint item marked 审查与审批分离, with a review opinion by `reviewer`. */
const separated = (reviewer: string): Partial<CaseRecord> => ({
  item: { ...record({}).item, separateReviewAndDecision: true },
  reviews: [{ by: reviewer, role: reviewer.endsWith('approver') ? 'approver' : 'clerk', opinion: '符合条件', at: '2026-03-03T10:00:00+08:00' }],
});

const guardCases: { guard: string; type: string; action: string; who: Who; refused: Setup; held: Setup; detail: string }[] = [
  {
    guard: 'materialsComplete', type: 'materials-missing', action: 'accept', who: 'clerk@lead',
    refused: { patch: { materials: materials(CONTRACTOR, { 'key-staff': 'missing', 'net-assets': 'incorrect', equipment: 'missing' }) } },
    held: { patch: { materials: materials(CONTRACTOR, { equipment: 'missing', 'project-record': 'missing' }) } }, // optional ones only
    detail: 'Required materials are missing or incorrect (key-staff, net-assets): give the one-time supplement notice, or accept with a pledge where the item allows.',
  },
  {
    guard: 'jointOpinionsIn', type: 'joint-opinions-pending', action: 'approve', who: 'approver@lead', refused: { state: ur, patch: { jointSteps: [{ departmentId: 'amr', status: 'open' }] } }, held: { state: ur },
    detail: 'Co-departments have not given their opinion yet: amr.',
  },
  {
    guard: 'ownJointStepOpen', type: 'no-open-joint-step', action: 'giveJointOpinion', who: 'clerk@co', refused: { state: ur }, held: { state: ur, patch: { jointSteps: [{ departmentId: 'amr', status: 'open' }] } },
    detail: 'Your department has no open step on this case.',
  },
  {
    guard: 'noPendingTolerance', type: 'pledge-outstanding', action: 'approve', who: 'approver@lead', refused: ent(ur, pending), held: ent(ur, { tolerance: { ...pending.tolerance, completedAt: '2026-03-05T10:00:00+08:00' } }),
    detail: `Pledged materials are outstanding until ${PLEDGE_DUE}.`,
  },
  { guard: 'pendingTolerance', type: 'no-pledge-outstanding', action: 'completeTolerance', who: 'clerk@lead', refused: ent('accepted'), held: ent('accepted', pending), detail: 'No pledged material is outstanding.' },
  {
    guard: 'toleranceOffered', type: 'tolerance-not-offered', action: 'acceptWithTolerance', who: 'clerk@lead', refused: {}, held: ent('submitted'),
    detail: 'This item does not offer acceptance with pledged materials (容缺受理).',
  },
  {
    guard: 'noExtensionYet', type: 'extension-already-requested', action: 'requestExtension', who: 'clerk@lead', refused: { state: ur, patch: extensionBy('housing-approver') }, held: { state: ur },
    detail: 'An extension was already requested; the law allows one (art. 42).',
  },
  {
    guard: 'extensionRequested', type: 'no-extension-requested', action: 'approveExtension', who: 'dept_head@lead', refused: { state: ur }, held: { state: ur, patch: extensionBy('housing-clerk') },
    detail: 'No extension request is waiting for approval.',
  },
  {
    // A head who is also the approver that asked (one person in both groups) still may not approve the own request.
    guard: 'otherThanRequester (four eyes)', type: 'four-eyes', action: 'approveExtension', who: 'dept_head@lead', refused: { state: ur, patch: extensionBy('housing-dept_head') },
    held: { state: ur, patch: extensionBy('housing-clerk') }, detail: 'An extension is approved by someone other than the person who asked for it.',
  },
  {
    guard: 'withinNoticePeriod', type: 'notice-period-over', action: 'requestSupplement', who: 'clerk@lead', refused: { today: LATE }, held: { today: NOTICE_DUE }, // its last day still counts
    detail: `The notice period ended on ${NOTICE_DUE}: the application counts as accepted from receipt (art. 32).`,
  },
  { guard: 'noticeOverdue', type: 'wrong-state', action: 'deemAccepted', who: 'system', refused: { today: NOTICE_DUE }, held: { today: LATE }, detail: 'The notice period has not run out.' },
  { guard: 'supplementOverdue', type: 'wrong-state', action: 'timeOutSupplement', who: 'system', refused: { state: 'supplement_requested', patch: noticed, today: SUPPLEMENT_DUE }, held: { state: 'supplement_requested', patch: noticed, today: LATE }, detail: 'The last day to supplement has not passed.' },
  { guard: 'toleranceOverdue', type: 'wrong-state', action: 'terminateTolerance', who: 'system', refused: ent(ur, pending, PLEDGE_DUE), held: ent(ur, pending, '2026-03-09'), detail: 'The pledge deadline has not passed.' },
  { guard: 'mode immediate (approve at the window)', type: 'wrong-service-mode', action: 'approve', who: 'approver@lead', refused: { state: 'accepted' }, held: { item: SOLE, state: 'accepted' }, detail: 'Only immediate items allow this; this item is joint.' },
  { guard: 'mode immediate (deny at the window)', type: 'wrong-service-mode', action: 'deny', who: 'clerk@lead', refused: ent('accepted'), held: { item: SOLE, state: 'accepted' }, detail: 'Only immediate items allow this; this item is promised.' },
  { guard: 'mode escalated', type: 'wrong-service-mode', action: 'escalate', who: 'approver@lead', refused: { state: ur }, held: { item: RADIOTHERAPY, state: ur }, detail: 'Only escalated items allow this; this item is joint.' },
  {
    guard: 'noUnsettledDissent', type: 'joint-dissent', action: 'approve', who: 'approver@lead', refused: { state: ur, patch: { jointSteps: [dissent] } },
    held: { state: ur, patch: { jointSteps: [dissent], coordination: coordinated } },
    detail: 'Co-departments disagree (amr): the center coordinates before the case is granted, or the lead department denies.',
  },
  {
    guard: 'unsettledDissent', type: 'no-joint-dissent', action: 'coordinate', who: 'supervisor@other', refused: { state: ur, patch: { jointSteps: [dissent], coordination: coordinated } },
    held: { state: ur, patch: { jointSteps: [dissent] } }, detail: 'No co-department disagreement waits for coordination.',
  },
  {
    guard: 'deciderDidNotReview (approve)', type: 'review-and-decision-separate', action: 'approve', who: 'approver@lead', refused: { state: ur, patch: separated('housing-approver') },
    held: { state: ur, patch: separated('housing-clerk') }, detail: 'This item separates review and decision: you recorded a review opinion, so another approver decides.',
  },
  {
    guard: 'deciderDidNotReview (deny)', type: 'review-and-decision-separate', action: 'deny', who: 'approver@lead', refused: { state: ur, patch: separated('housing-approver') },
    held: { state: ur, patch: { reviews: separated('housing-approver').reviews } }, detail: 'This item separates review and decision: you recorded a review opinion, so another approver decides.',
  },
  { guard: 'noHearingYet', type: 'hearing-already-held', action: 'requireHearing', who: 'approver@lead', refused: { state: ur, patch: { hearing: hearingRequested.hearing } }, held: { state: ur, patch: rightNoticed }, detail: 'A hearing was already requested or required on this case.' },
  {
    guard: 'hearingRightNotNoticed', type: 'hearing-right-already-noticed', action: 'noticeHearingRight', who: 'clerk@lead', refused: { state: ur, patch: rightNoticed }, held: { state: ur },
    detail: `The right to a hearing was noticed at ${rightNotice.toldAt}.`,
  },
  { guard: 'hearingRightNoticed', type: 'hearing-right-not-noticed', action: 'requestHearing', who: 'owner', refused: { state: ur }, held: { state: ur, patch: rightNoticed }, detail: 'Nobody was told of the right to a hearing on this case.' },
  {
    guard: 'withinHearingRequestPeriod', type: 'hearing-request-period-over', action: 'requestHearing', who: 'clerk@lead', refused: { state: ur, patch: rightNoticed, today: '2026-03-11' },
    held: { state: ur, patch: rightNoticed, today: HEARING_REQUEST_DUE }, // its last day still counts
    detail: `The period to ask for a hearing ended on ${HEARING_REQUEST_DUE} (art. 47).`,
  },
  {
    guard: 'noHearingRequestOpen (approve)', type: 'hearing-request-period-open', action: 'approve', who: 'approver@lead', refused: { state: ur, patch: rightNoticed, today: HEARING_REQUEST_DUE },
    held: { state: ur, patch: rightNoticed, today: '2026-03-11' }, detail: `The parties may ask for a hearing until ${HEARING_REQUEST_DUE}: the case is decided after that.`,
  },
  {
    guard: 'noHearingRequestOpen (deny)', type: 'hearing-request-period-open', action: 'deny', who: 'approver@lead', refused: { state: ur, patch: rightNoticed, today: HEARING_REQUEST_DUE },
    held: { state: ur, patch: { hearing: { ...hearingRequested.hearing, outcome: { summary: '听证认为不符合条件', at: '2026-03-20T11:00:00+08:00' } } }, today: HEARING_REQUEST_DUE },
    detail: `The parties may ask for a hearing until ${HEARING_REQUEST_DUE}: the case is decided after that.`,
  },
  { guard: 'hearingUnderway', type: 'no-hearing-underway', action: 'scheduleHearing', who: 'clerk@lead', refused: { state: 'suspended' }, held: { state: 'suspended', patch: hearingRequested }, detail: 'No hearing is underway on this case.' },
  {
    guard: 'hearingScheduled', type: 'hearing-not-scheduled', action: 'recordHearingOutcome', who: 'approver@lead', refused: { state: 'suspended', patch: hearingRequested },
    held: { state: 'suspended', patch: hearingScheduled }, detail: 'The parties have not been told the time and place of the hearing.',
  },
  {
    guard: 'notAHearing', type: 'hearing-underway', action: 'resume', who: 'clerk@lead', refused: { state: 'suspended', patch: hearingRequested }, held: { state: 'suspended' },
    detail: 'A hearing is underway: the clock runs again when its outcome is recorded.',
  },
  {
    guard: 'upper decision recorded (approve)', type: 'upper-decision-missing', action: 'approve', who: 'approver@lead', refused: sentBack, held: upperDecided('granted'),
    detail: '山东省卫生健康委员会 sent the case back without a decision: escalate it again and record the decision on its return.',
  },
  {
    guard: 'upper decision recorded (deny)', type: 'upper-decision-missing', action: 'deny', who: 'approver@lead', refused: sentBack, held: upperDecided('denied'),
    detail: '山东省卫生健康委员会 sent the case back without a decision: escalate it again and record the decision on its return.',
  },
  {
    guard: 'upper decision is granted (approve)', type: 'upper-decision-contrary', action: 'approve', who: 'approver@lead', refused: upperDecided('denied'), held: upperDecided('granted'),
    detail: '山东省卫生健康委员会 denied the case (鲁卫放审〔2026〕12号): it cannot be granted.',
  },
  {
    guard: 'upper decision is denied (deny)', type: 'upper-decision-contrary', action: 'deny', who: 'approver@lead', refused: upperDecided('granted'), held: upperDecided('denied'),
    detail: '山东省卫生健康委员会 granted the case (鲁卫放审〔2026〕12号): it cannot be denied.',
  },
  {
    // Only reachable on a record carrying a step although the item is not joint (see the 403 below for a real one).
    guard: 'mode joint', type: 'wrong-service-mode', action: 'giveJointOpinion', who: 'clerk@co', refused: ent(ur, { jointSteps: [{ departmentId: 'housing', status: 'open' }] }),
    held: { state: ur, patch: { jointSteps: [{ departmentId: 'amr', status: 'open' }] } }, detail: 'Only joint items allow this; this item is promised.',
  },
];

guardCases.push(
  {
    guard: 'settledBeforeAcceptance (not assessed yet)', type: 'payment-outstanding', action: 'accept', who: 'clerk@lead', refused: { patch: terms('before_acceptance') },
    held: { patch: charged('before_acceptance', { status: 'settled', how: 'paid' }) },
    detail: "This item's fees are paid before acceptance: assess them and issue the payment notice first; the case goes on once they are settled.",
  },
  {
    guard: 'settledBeforeAcceptance (容缺受理, the latest charge expired)', type: 'payment-outstanding', action: 'acceptWithTolerance', who: 'clerk@lead',
    refused: ent('submitted', charged('before_acceptance', { status: 'expired' })), held: ent('submitted', charged('before_acceptance', { status: 'settled', how: 'waived' })),
    detail: 'The charge CH-1 expired unpaid on 2026-03-20: assess the fees again.',
  },
  {
    guard: 'settledBeforeDelivery (a grant)', type: 'payment-outstanding', action: 'deliver', who: 'clerk@lead', refused: { state: 'completed', patch: { ...charged('before_delivery'), ...granted } },
    held: { state: 'completed', patch: { ...charged('before_delivery', { status: 'settled', how: 'paid' }), ...granted } },
    detail: 'The charge CH-1 (50000 fen) is not settled yet; it is payable until 2026-03-20.',
  },
  {
    guard: 'waitsBeforeAcceptance (withdraw)', type: 'wrong-state', action: 'withdraw', who: 'owner', refused: { state: 'to_pay', patch: { ...charged('before_delivery'), ...granted } },
    held: { state: 'to_pay', patch: charged('before_acceptance') }, detail: 'A decided case is not withdrawn: its result is delivered once the fees are settled.',
  },
  {
    guard: 'chargeAt (the charge\'s stage is the case\'s)', type: 'wrong-state', action: 'requirePayment', who: 'system', refused: { patch: terms('before_acceptance'), charge: ISSUED_D },
    held: { patch: terms('before_acceptance'), charge: ISSUED }, detail: "Payment stages differ: the case's before_acceptance, the charge's before_delivery.",
  },
  {
    guard: 'chargeAt (an item without fees)', type: 'wrong-state', action: 'requirePayment', who: 'system', refused: { charge: ISSUED },
    held: { patch: terms('before_acceptance'), charge: ISSUED }, detail: "Payment stages differ: the case's none (no fees), the charge's before_acceptance.",
  },
  {
    guard: 'granted (no charge on a denial)', type: 'wrong-state', action: 'requirePayment', who: 'system', refused: { state: 'completed', patch: { ...terms('before_delivery'), decision: { outcome: 'denied', at: '2026-03-03T09:00:00+08:00' } }, charge: ISSUED_D },
    held: { state: 'completed', patch: { ...terms('before_delivery'), ...granted }, charge: ISSUED_D }, detail: 'A denied case is charged nothing.',
  },
  {
    guard: 'newCharge (a redelivered ChargeIssued)', type: 'wrong-state', action: 'requirePayment', who: 'system', refused: { state: 'to_pay', patch: charged('before_acceptance', { status: 'expired' }), charge: ISSUED },
    held: { state: 'to_pay', patch: charged('before_acceptance', { status: 'expired' }), charge: { ...ISSUED, chargeId: 'CH-2' } }, detail: 'The charge is already recorded.',
  },
  {
    guard: 'chargeExpired (a new charge only for a case kept waiting)', type: 'wrong-state', action: 'requirePayment', who: 'system', refused: { state: 'to_pay', patch: charged('before_acceptance'), charge: { ...ISSUED, chargeId: 'CH-2' } },
    held: { state: 'to_pay', patch: charged('before_acceptance', { status: 'expired' }), charge: { ...ISSUED, chargeId: 'CH-2' } }, detail: 'The latest charge has not expired.',
  },
  {
    guard: 'sameCharge (a settlement of another charge)', type: 'wrong-state', action: 'recordPayment', who: 'system', refused: { state: 'to_pay', patch: charged('before_acceptance'), charge: { ...ISSUED, chargeId: 'CH-0' } },
    held: { state: 'to_pay', patch: charged('before_acceptance'), charge: ISSUED }, detail: "Not the case's latest charge.",
  },
  {
    guard: 'chargeDue (a redelivered ChargeExpired)', type: 'wrong-state', action: 'awaitNewCharge', who: 'system', refused: { state: 'to_pay', patch: charged('before_acceptance', { status: 'expired', onUnpaidExpiry: 'keep_waiting' }), charge: ISSUED },
    held: { state: 'to_pay', patch: charged('before_acceptance', { onUnpaidExpiry: 'keep_waiting' }), charge: ISSUED }, detail: 'The charge is not waiting for payment.',
  },
  {
    guard: 'onExpiry terminate', type: 'wrong-state', action: 'expireCharge', who: 'system', refused: { state: 'to_pay', patch: charged('before_acceptance', { onUnpaidExpiry: 'keep_waiting' }), charge: ISSUED },
    held: { state: 'to_pay', patch: charged('before_acceptance'), charge: ISSUED }, detail: "The item's setting on an unpaid charge is not terminate.",
  },
);

describe('guards: each refuses with its own problem type and message, and holds', () => {
  it.each(guardCases)('$guard on $action by $who', ({ type, action, who, refused, held, detail }) => {
    expect(decideFor(action, who, refused)).toEqual({ ok: false, status: statusOf(type), type, detail });
    expect(decideFor(action, who, held)).toMatchObject({ ok: true, transition: { action } });
  });

  it('notCreditExcluded: an applicant flagged for bad credit gets no 容缺受理 (credit-excluded), whatever else holds', () => {
    const c = record(ent('submitted'));
    const ctx = { caller: callerOf('clerk@lead', c), today: TODAY };
    expect(decide('acceptWithTolerance', c, { ...ctx, creditExcluded: true })).toEqual({
      ok: false, status: 409, type: 'credit-excluded', detail: 'The applicant is flagged for bad credit: acceptance with pledged materials (容缺受理) is not available.',
    });
    expect(decide('acceptWithTolerance', c, { ...ctx, creditExcluded: false })).toMatchObject({ ok: true });
    // The flag touches nothing else: the plain acceptance and the notice stay open to the same applicant.
    expect(nextActions(c, { ...ctx, caller: ctx.caller!, creditExcluded: true })).toEqual(['accept', 'refuse', 'requestSupplement', 'withdraw']);
  });

  it('the upper authority\'s decision binds only a case that came back from it: never escalated, or returned before decisions were recorded, it decides as any other', () => {
    for (const action of ['approve', 'deny']) {
      expect(decideFor(action, 'approver@lead', { item: RADIOTHERAPY, state: ur }), action).toMatchObject({ ok: true });
      // Still with the upper level: the state refuses first.
      expect(decideFor(action, 'approver@lead', { item: RADIOTHERAPY, state: 'escalated', patch: { escalation: { ...returnedFrom, returnedAt: undefined } } }), action).toMatchObject({ status: 409, type: 'wrong-state' });
    }
  });

  it('a notice without a last day (calendar year missing) never times out; nor does a case no longer waiting for it', () => {
    const { due: _, ...undated } = noticed.supplementNotice!;
    expect(decideFor('timeOutSupplement', 'system', { state: 'supplement_requested', patch: { supplementNotice: undated }, today: LATE })).toMatchObject({ status: 409, detail: 'The last day to supplement has not passed.' });
    expect(decideFor('timeOutSupplement', 'system', { state: 'submitted', patch: noticed, today: LATE })).toMatchObject({ status: 409, type: 'wrong-state' });
  });

  it('a pledge completed or never given is not outstanding; the first failing guard of a row speaks', () => {
    const done = { tolerance: { ...pending.tolerance, completedAt: '2026-03-05T10:00:00+08:00' } };
    expect(decideFor('completeTolerance', 'clerk@lead', ent(ur, done))).toMatchObject({ status: 409, detail: 'No pledged material is outstanding.' });
    expect(decideFor('terminateTolerance', 'system', ent(ur, done, LATE))).toMatchObject({ status: 409, detail: 'No pledged material is outstanding.' });
    expect(decideFor('approveExtension', 'dept_head@lead', { state: ur, patch: { extension: { ...extensionBy('housing-clerk').extension, approvedBy: 'x', approvedAt: '2026-03-04T10:00:00+08:00' } } }))
      .toMatchObject({ status: 409, detail: 'No extension request is waiting for approval.' });
    // Opinions open and a pledge outstanding: jointOpinionsIn is listed first.
    expect(decideFor('approve', 'approver@lead', { state: ur, patch: { ...pending, jointSteps: [{ departmentId: 'amr', status: 'open' }] } }))
      .toMatchObject({ status: 409, detail: 'Co-departments have not given their opinion yet: amr.' });
  });

  it('without a notice due date (calendar year missing) the notice period never runs out', () => {
    const { noticeDue: _, ...c } = record({});
    expect(decide('requestSupplement', c, { caller: callerOf('clerk@lead', c), today: LATE })).toMatchObject({ ok: true });
    expect(decide('deemAccepted', c, { today: LATE })).toMatchObject({ status: 409, detail: 'The notice period has not run out.' });
  });

  it('on a real non-joint case no department is a co-department (403), and an unknown action is nobody\'s', () => {
    expect(decideFor('giveJointOpinion', 'clerk@co', ent(ur))).toMatchObject({ ok: false, status: 403 });
    expect(decideFor('approve', 'clerk@lead', { state: ur })).toMatchObject({ ok: false, status: 409, detail: 'A case in state under_review cannot approve.' });
    expect(decideFor('fly', 'clerk@lead', {})).toEqual({ ok: false, status: 403, type: 'forbidden', detail: 'You may not fly this case.' });
  });
});

describe('nextActions', () => {
  const opinionsOpen = { state: ur, patch: { jointSteps: [{ departmentId: 'amr', status: 'open' as const }] } };
  const examples: { name: string; setup: Setup; who: Who; want: string[] }[] = [
    { name: 'submitted 容缺 item, complete', setup: ent('submitted'), who: 'clerk@lead', want: ['accept', 'acceptWithTolerance', 'refuse', 'requestSupplement', 'withdraw'] },
    { name: 'submitted 容缺 item, complete', setup: ent('submitted'), who: 'owner', want: ['withdraw'] },
    { name: 'submitted 容缺 item, complete', setup: ent('submitted'), who: 'approver@lead', want: [] },
    { name: 'submitted, notice period over', setup: ent('submitted', {}, LATE), who: 'clerk@lead', want: ['accept', 'acceptWithTolerance', 'refuse', 'withdraw'] },
    { name: 'supplement requested', setup: ent('supplement_requested'), who: 'owner', want: ['supplement', 'withdraw'] },
    { name: 'supplement requested', setup: ent('supplement_requested'), who: 'non-owner', want: [] },
    { name: 'joint, opinions open', setup: opinionsOpen, who: 'clerk@lead', want: ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'withdraw'] },
    { name: 'joint, opinions open', setup: opinionsOpen, who: 'approver@lead', want: ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'requireHearing'] },
    { name: 'joint, opinions open', setup: opinionsOpen, who: 'clerk@co', want: ['giveJointOpinion'] },
    { name: 'joint, opinions open', setup: opinionsOpen, who: 'dept_admin@lead', want: [] },
    { name: 'joint, opinions open', setup: opinionsOpen, who: 'supervisor@lead', want: [] },
    { name: 'joint, opinions in, extension asked', setup: { state: ur, patch: extensionBy('housing-clerk') }, who: 'approver@lead', want: ['review', 'suspend', 'noticeHearingRight', 'requireHearing', 'approve', 'deny'] },
    { name: 'joint, opinions in, extension asked', setup: { state: ur, patch: extensionBy('housing-clerk') }, who: 'clerk@lead', want: ['review', 'suspend', 'noticeHearingRight', 'withdraw'] },
    { name: 'joint, opinions in, extension asked', setup: { state: ur, patch: extensionBy('housing-clerk') }, who: 'dept_head@lead', want: ['approveExtension'] },
    { name: 'joint, opinions in, extension asked', setup: { state: ur, patch: extensionBy('housing-clerk') }, who: 'dept_head@co', want: [] },
    { name: 'joint, a co-department disagrees', setup: { state: ur, patch: { jointSteps: [dissent] } }, who: 'approver@lead', want: ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'deny'] },
    { name: 'joint, a co-department disagrees', setup: { state: ur, patch: { jointSteps: [dissent] } }, who: 'supervisor@other', want: ['coordinate'] },
    { name: 'joint, accepted, opinions open', setup: { state: 'accepted', patch: { jointSteps: [{ departmentId: 'amr', status: 'open' as const }] } }, who: 'approver@co', want: ['giveJointOpinion'] },
    { name: 'right to a hearing noticed', setup: { state: ur, patch: rightNoticed }, who: 'owner', want: ['requestHearing', 'withdraw'] },
    { name: 'right to a hearing noticed', setup: { state: ur, patch: rightNoticed }, who: 'approver@lead', want: ['review', 'suspend', 'requestExtension', 'requireHearing'] },
    { name: 'hearing requested', setup: { state: 'suspended', patch: hearingRequested }, who: 'clerk@lead', want: ['scheduleHearing', 'withdraw'] },
    { name: 'hearing scheduled', setup: { state: 'suspended', patch: hearingScheduled }, who: 'approver@lead', want: ['scheduleHearing', 'recordHearingOutcome'] },
    { name: 'immediate, accepted', setup: { item: SOLE, state: 'accepted' }, who: 'clerk@lead', want: ['review', 'approve', 'deny', 'withdraw'] },
    { name: 'escalated item in review', setup: { item: RADIOTHERAPY, state: ur }, who: 'approver@lead', want: ['review', 'suspend', 'escalate', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'approve', 'deny'] },
    { name: 'escalated item, sent back without a decision', setup: sentBack, who: 'approver@lead', want: ['review', 'suspend', 'escalate', 'requestExtension', 'noticeHearingRight', 'requireHearing'] },
    { name: 'escalated item, the upper authority granted', setup: upperDecided('granted'), who: 'approver@lead', want: ['review', 'suspend', 'escalate', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'approve'] },
    { name: 'escalated item, the upper authority denied', setup: upperDecided('denied'), who: 'approver@lead', want: ['review', 'suspend', 'escalate', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'deny'] },
    { name: 'escalated item, the upper authority denied', setup: upperDecided('denied'), who: 'clerk@lead', want: ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'withdraw'] },
    { name: 'pledge outstanding', setup: ent(ur, pending), who: 'approver@lead', want: ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'deny'] },
    { name: 'pledge outstanding', setup: ent(ur, pending), who: 'clerk@lead', want: ['completeTolerance', 'review', 'suspend', 'requestExtension', 'noticeHearingRight', 'withdraw'] },
    { name: 'completed', setup: { state: 'completed' }, who: 'clerk@lead', want: ['deliver'] },
    { name: 'completed', setup: { state: 'completed' }, who: 'approver@lead', want: [] },
    { name: 'submitted', setup: ent('submitted'), who: 'other-center', want: [] },
    { name: 'fees before acceptance, not assessed', setup: ent('submitted', terms('before_acceptance')), who: 'clerk@lead', want: ['refuse', 'requestSupplement', 'withdraw'] },
    { name: 'fees before acceptance, settled', setup: ent('submitted', charged('before_acceptance', { status: 'settled', how: 'paid' })), who: 'clerk@lead', want: ['accept', 'acceptWithTolerance', 'refuse', 'requestSupplement', 'withdraw'] },
    { name: 'waiting to pay before acceptance', setup: { state: 'to_pay', patch: charged('before_acceptance') }, who: 'owner', want: ['withdraw'] },
    { name: 'waiting to pay before acceptance', setup: { state: 'to_pay', patch: charged('before_acceptance') }, who: 'clerk@lead', want: ['withdraw'] },
    { name: 'waiting to pay before delivery', setup: { state: 'to_pay', patch: { ...charged('before_delivery'), ...granted } }, who: 'clerk@lead', want: [] },
    { name: 'waiting to pay before delivery', setup: { state: 'to_pay', patch: { ...charged('before_delivery'), ...granted } }, who: 'owner', want: [] },
    { name: 'granted, fees before delivery unpaid', setup: { state: 'completed', patch: { ...terms('before_delivery'), ...granted } }, who: 'clerk@lead', want: [] },
    { name: 'granted, fees before delivery settled', setup: { state: 'completed', patch: { ...charged('before_delivery', { status: 'settled', how: 'paid' }), ...granted } }, who: 'clerk@lead', want: ['deliver'] },
    { name: 'denied, fees before delivery (a denial is not charged)', setup: { state: 'completed', patch: { ...terms('before_delivery'), decision: { outcome: 'denied', at: '2026-03-03T09:00:00+08:00' } } }, who: 'clerk@lead', want: ['deliver'] },
  ];

  it.each(examples)('$name · $who → $want', ({ setup, who, want }) => {
    const c = record(setup);
    expect(nextActions(c, { caller: callerOf(who, c)!, today: setup.today ?? TODAY })).toEqual(want);
  });

  it('httpActions: every action with a non-system actor, in table order', () => {
    expect(httpActions).toEqual(['accept', 'acceptWithTolerance', 'refuse', 'requestSupplement', 'supplement', 'completeTolerance', 'review', 'giveJointOpinion', 'coordinate', 'suspend', 'resume',
      'escalate', 'returnFromEscalation', 'requestExtension', 'approveExtension', 'noticeHearingRight', 'requestHearing', 'requireHearing', 'scheduleHearing', 'recordHearingOutcome',
      'approve', 'deny', 'complete', 'deliver', 'withdraw']);
  });

  // One test per state (each ~0.1 s alone): together they took ~1 s alone and past 30 s under `npm test`'s load.
  it.each(caseStates)('never a system-only action for any caller, each offered one allowed: %s', (state) => {
    for (const row of expectedRows) {
      const c = record({ ...row[5], state });
      for (const who of whos.filter((w) => w !== 'system')) {
        const next = nextActions(c, { caller: callerOf(who, c)!, today: row[5].today ?? TODAY });
        expect(next.filter((a) => ['deemAccepted', 'timeOutSupplement', 'terminateTolerance', 'requirePayment', 'recordPayment', 'expireCharge', 'awaitNewCharge', 'cancelCharge'].includes(a))).toEqual([]);
        for (const a of next) expect(decide(a, c, { caller: callerOf(who, c), today: row[5].today ?? TODAY }).ok).toBe(true);
      }
    }
  });

  it('the system may take them on those same cases', () => {
    expect(decideFor('deemAccepted', 'system', { today: LATE }).ok).toBe(true);
    expect(decideFor('terminateTolerance', 'system', ent(ur, pending, LATE)).ok).toBe(true);
    expect(decideFor('timeOutSupplement', 'system', { state: 'supplement_requested', patch: noticed, today: LATE }).ok).toBe(true);
  });
});

describe('the table\'s structure', () => {
  it('every state is reachable from submitted', () => {
    const seen = new Set<CaseState>(['submitted']);
    for (let grew = true; grew;) {
      grew = false;
      for (const t of transitions) {
        for (const from of t.from.filter((s) => seen.has(s))) {
          const to = nextState(t, { state: from });
          if (!seen.has(to)) {
            seen.add(to);
            grew = true;
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...caseStates].sort());
  });

  it('exactly the terminal states (refused, withdrawn, terminated, delivered) have no outgoing row', () => {
    expect(caseStates.filter((s) => !transitions.some((t) => t.from.includes(s))).sort()).toEqual(['delivered', 'refused', 'terminated', 'withdrawn']);
  });

  it('one event per action, no event shared by two actions; the rows of one action leave disjoint states, or are for different payment stages', () => {
    const byAction = new Map<string, Set<string>>();
    for (const t of transitions) byAction.set(t.action, (byAction.get(t.action) ?? new Set()).add(t.event));
    for (const [action, events] of byAction) expect([action, events.size]).toEqual([action, 1]);
    const events = [...byAction.values()].map((e) => [...e][0]);
    expect(new Set(events).size).toBe(events.length);
    // The stage a row is for: its guard "the item's fees are paid <stage>, and the charge is for them" (payment-guards.ts).
    const stageOf = (t: (typeof transitions)[number]) => t.guards.map((g) => /fees are paid (before \w+), and the charge/.exec(g.name)?.[1]).find((x) => x);
    for (const action of byAction.keys()) {
      const rows = rowsOf(action);
      for (const [i, a] of rows.entries()) {
        for (const b of rows.slice(i + 1)) {
          if (!a.from.some((s) => b.from.includes(s))) continue;
          expect([action, stageOf(a) !== undefined && stageOf(b) !== undefined && stageOf(a) !== stageOf(b)]).toEqual([action, true]);
        }
      }
    }
    expect(rowsOf('recordPayment').map(stageOf)).toEqual(['before acceptance', 'before delivery']);
  });

  it('rowsOf keeps table order; nextState keeps the state for "same"', () => {
    expect(rowsOf('approve').map((t) => t.from)).toEqual([['under_review'], ['accepted']]);
    expect(rowsOf('nothing')).toEqual([]);
    expect(nextState(rowsOf('review')[0]!, { state: 'accepted' })).toBe('under_review');
    expect(nextState(rowsOf('completeTolerance')[0]!, { state: 'suspended' })).toBe('suspended');
  });
});
