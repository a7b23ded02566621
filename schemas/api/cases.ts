/**
 * Cases (办件): the one source of the request and response shapes of intake,
 * the lifecycle actions, reads, queues and the public progress lookup.
 * The actions and their states are listed in functions/cases/lifecycle.ts.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { CaseState, ClockEffect, Deadlines, LocalDate } from './case-clock.ts';
import { Limit, NextToken, Page, StringEnum, closed, text, ApplicantId, ApplicantKind, DepartmentId, ItemCode, ServiceMode, SpecialProcedure, WindowId, CaseNo, MaterialId } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const Reasons = Type.Array(text(500), { minItems: 1, maxItems: 20 });
const Note = text(1000);

/** Intake: what the applicant hands in for one checklist entry. */
export const IntakeMaterial = Type.Object(
  {
    materialId: MaterialId,
    form: StringEnum(['original', 'copy', 'electronic'] as const),
    count: Type.Integer({ minimum: 1, maximum: 99 }),
  },
  closed,
);

/** The certificate a renewal, change or cancellation (延续 / 变更 / 注销) acts on: the applicant's, still valid (expired: cancellation only); its approval supersedes or cancels it. */
const ActedOnCertificate = Type.String({ pattern: '^C[0-9A-Z]{20,41}$', maxLength: 42, description: 'The certificate this renewal, change or cancellation acts on (the applicant\'s own, valid); its approval supersedes or cancels it' });

export const IntakeRequest = Type.Object(
  {
    itemCode: ItemCode,
    applicantId: Type.Optional(ApplicantId),
    principalId: Type.Optional({ ...ApplicantId, description: 'An agent (代办人) filing online for the applicant who authorized them (委托人): that applicant\'s id. The case is theirs; the agent is recorded' }),
    fields: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown({ 'x-free-form': 'bounded by the body size and nesting limits' }), { maxProperties: 100, description: 'Validated against the item\'s intakeFields schema' })),
    materials: Type.Array(IntakeMaterial, { maxItems: 60 }),
    certificateNo: Type.Optional(ActedOnCertificate),
  },
  { ...closed, description: 'applicantId: required when a clerk files at the counter for an identified applicant; an applicant filing online omits it, or names with principalId the applicant they file for as agent (never both)' },
);
export type IntakeRequest = Static<typeof IntakeRequest>;

export const MaterialStatus = StringEnum(['provided', 'missing', 'incorrect', 'pledged'] as const, '已提交 / 缺少 / 有误 / 容缺承诺');
export const CaseMaterial = Type.Object(
  {
    materialId: MaterialId,
    name: Type.String(),
    required: Type.Boolean(),
    tolerable: Type.Optional(Type.Literal(true, { description: 'The item lets this material be pledged under 容缺受理' })),
    form: Type.Optional(StringEnum(['original', 'copy', 'electronic'] as const)),
    count: Type.Optional(Type.Integer()),
    status: MaterialStatus,
    problem: Type.Optional(Type.String()),
  },
  closed,
);
export type CaseMaterial = Static<typeof CaseMaterial>;

// ---------------------------------------------------------------------------
// Action bodies (one per action; the lifecycle table names which)

export const AcceptBody = Type.Object({ note: Type.Optional(Note) }, closed);
/** The applicant's consent to the pledge (承诺书): signed at the window, or confirmed online, at a time. */
export const PledgeConsent = Type.Object(
  {
    channel: StringEnum(['window', 'online'] as const, '窗口签字 / 网上确认'),
    at: Type.String({ format: 'date-time', description: 'When the applicant signed or confirmed; not in the future' }),
  },
  closed,
);
export const AcceptWithToleranceBody = Type.Object(
  {
    missing: Type.Array(Type.Object({ materialId: MaterialId, detail: text(500) }, closed), { minItems: 1, maxItems: 10 }),
    consent: PledgeConsent,
  },
  { ...closed, description: 'Every missing required material is pledged, each one tolerable under the item; the pledge deadline stays within the promised limit unless the center allows otherwise' },
);
export const RefuseBody = Type.Object(
  {
    reasons: Reasons,
    ground: Type.Optional(StringEnum(
      ['not_subject_to_licensing', 'outside_powers', 'other'] as const,
      '行政许可法 art. 32(1): 不需要取得行政许可 (told at once) / 32(2): 不属于本机关职权范围 (competentAgency required) / other grounds; absent: other',
    )),
    competentAgency: Type.Optional(text(200, 'When outside this agency\'s powers: the agency to apply to (required with ground outside_powers)')),
  },
  closed,
);
export const SupplementNoticeBody = Type.Object(
  {
    items: Type.Array(
      Type.Object({ materialId: MaterialId, problem: StringEnum(['missing', 'incorrect'] as const), detail: text(500) }, closed),
      { minItems: 1, maxItems: 60 },
    ),
  },
  { ...closed, description: 'The one-time notice (一次性告知): every missing or incorrect material at once' },
);
export const SupplementBody = Type.Object({ materials: Type.Array(IntakeMaterial, { minItems: 1, maxItems: 60 }) }, closed);
export const OpinionBody = Type.Object({ opinion: Note }, closed);
export const JointOpinionBody = Type.Object({ opinion: Note, agrees: Type.Boolean() }, closed);
export const SuspendBody = Type.Object(
  {
    procedure: SpecialProcedure.properties.kind,
    reason: text(500),
    expectedWorkingDays: Type.Integer({ minimum: 1, maximum: 365 }),
  },
  { ...closed, description: 'A special procedure (特别程序, art. 45) of the item: the clock stops while it runs' },
);
export const EscalateBody = Type.Object({ authority: text(200, 'The upper-level authority (上级机关)'), reason: text(500) }, closed);
/**
 * The upper authority's decision on an escalated case (上报件), as the county
 * records it: the authority decides in its own name, so its document number
 * (文号) and its certificate number are kept exactly as given, never checked
 * against or entered among the center's own certificate numbers.
 */
export const UpperDecision = Type.Object(
  {
    authority: text(200, 'The authority that decided (上级机关), as it names itself'),
    documentNo: text(100, 'The number of its decision (文号)'),
    decidedOn: { ...LocalDate, description: 'The date of its decision (YYYY-MM-DD), not after today' },
    outcome: StringEnum(['granted', 'denied'] as const, '准予 / 不予'),
    certificateNo: Type.Optional(text(100, 'The certificate number the upper authority issued, when it issued one (granted only): its own numbering, kept as given')),
  },
  closed,
);
export type UpperDecision = Static<typeof UpperDecision>;
export const ReturnBody = Type.Object(
  {
    outcome: Note,
    upperDecision: Type.Optional({
      ...UpperDecision,
      description: 'The upper authority\'s decision. Absent when the upper level sends the case back for more review (退回补充) without deciding: the county then escalates again, and decides only once a decision is recorded',
    }),
  },
  closed,
);
export const ExtensionRequestBody = Type.Object({ reason: text(500, 'Told to the applicant (art. 42)') }, closed);
export const NoteBody = Type.Object({ note: Type.Optional(Note) }, closed);
const HearingParty = Type.Object({ name: text(200), role: StringEnum(['applicant', 'interested_party'] as const, '申请人 / 利害关系人') }, closed);
export const HearingRightNoticeBody = Type.Object(
  { parties: Type.Array(HearingParty, { minItems: 1, maxItems: 20 }), note: Type.Optional(Note) },
  { ...closed, description: 'The notice of the right to a hearing (听证权利告知, art. 47): the parties told; they may ask within 5 working days' },
);
export const HearingRequestBody = Type.Object(
  {
    partyRole: HearingParty.properties.role,
    party: Type.Optional(text(200, 'Who asks; required for an interested party')),
    reason: Type.Optional(text(500)),
  },
  { ...closed, description: 'A request for a hearing (申请听证): the applicant\'s own, or one a clerk records for the applicant or an interested party' },
);
export const HearingRequireBody = Type.Object(
  { reason: text(500, 'Why the agency holds a hearing (art. 46): the law requires one, or the matter touches the public interest') },
  closed,
);
export const HearingScheduleBody = Type.Object(
  { at: Type.String({ format: 'date-time', description: 'When the hearing is held: at least 7 days after this notice (art. 48), and no later than the day it must be organised by' }), place: text(200) },
  { ...closed, description: 'The hearing notice (听证通知) told to the parties: time and place' },
);
export const HearingOutcomeBody = Type.Object({ outcome: text(2000, 'What the hearing record (听证笔录) established') }, closed);
export const CoordinateBody = Type.Object(
  { outcome: StringEnum(['resolved'] as const, '协调一致'), note: Note },
  { ...closed, description: 'The center\'s coordination (协调) of a co-department\'s dissent; when it fails, the lead department denies' },
);
export const DenyBody = Type.Object({ reasons: Reasons }, closed);
export const DeliverBody = Type.Object(
  { method: StringEnum(['pickup', 'mail'] as const, '窗口领取 / 邮寄'), trackingNo: Type.Optional(text(50)) },
  closed,
);
export const WithdrawBody = Type.Object({ reason: Type.Optional(text(500)) }, closed);

// ---------------------------------------------------------------------------
// The case as read

export const Remaining = Type.Object(
  {
    statutory: Type.Optional(Type.Integer()),
    promised: Type.Optional(Type.Integer()),
    delivery: Type.Optional(Type.Integer()),
  },
  { ...closed, description: 'Working days left today: 0 on the due day, negative when overdue; absent while the clock is stopped or suspended' },
);

const Suspension = Type.Object(
  { kind: Type.String(), from: Instant, to: Type.Optional(Instant), reason: Type.Optional(Type.String()), expectedWorkingDays: Type.Optional(Type.Integer()) },
  closed,
);

export const CaseClock = Type.Object(
  {
    startedAt: Type.Optional(Instant),
    stoppedAt: Type.Optional(Instant),
    statutoryWorkingDays: Type.Integer(),
    promisedWorkingDays: Type.Integer(),
    extensionWorkingDays: Type.Integer({ description: 'Granted so far' }),
    deliveryWorkingDays: Type.Integer(),
    suspensions: Type.Array(Suspension),
  },
  closed,
);
export type CaseClock = Static<typeof CaseClock>;

const Step = Type.Object(
  {
    departmentId: DepartmentId,
    status: StringEnum(['open', 'done'] as const),
    opinion: Type.Optional(Type.String()),
    agrees: Type.Optional(Type.Boolean()),
    by: Type.Optional(Type.String()),
    at: Type.Optional(Instant),
  },
  closed,
);

const QueryCode = Type.String({ pattern: '^[2-9A-HJKMNP-TV-Z]{12}$', description: 'The query code (查询码) for GET /public/cases/{caseNo}?code=' });

/** What the acceptance receipt (受理通知书) prints, the query code with it (derived from the case, never stored: docs/decisions.md). */
export const Receipt = Type.Object(
  {
    caseNo: CaseNo,
    itemName: Type.String(),
    applicantName: Type.String(),
    receivedAt: Instant,
    acceptedAt: Instant,
    acceptanceDate: LocalDate,
    promisedDue: Type.Optional(LocalDate),
    statutoryDue: Type.Optional(LocalDate),
    provisional: Type.Optional(Type.Literal(true, { description: 'The dates were counted on a provisional calendar year (see Deadlines.provisional)' })),
    toleranceDue: Type.Optional({ ...LocalDate, description: '容缺受理: the last day to hand in the pledged materials' }),
    queryCode: Type.Optional({ ...QueryCode, description: 'The query code (查询码) for GET /public/cases/{caseNo}?code=; absent in the replay of an Idempotency-Key (the recorded answer keeps no code): the receipt PDF prints it' }),
  },
  closed,
);

/** A reissued query code (POST /cases/{caseNo}/query-code): the code before it no longer opens the public lookup. */
export const QueryCodeReissue = Type.Object(
  {
    caseNo: CaseNo,
    queryCode: QueryCode,
    generation: Type.Integer({ minimum: 2, description: 'How many codes the case has had: 1 at acceptance, one more at each reissue' }),
    reissuedAt: Instant,
  },
  closed,
);
export const QueryCodeReissueBody = Type.Object({}, closed);

/**
 * The case's payment gate (缴费): the item version's terms recorded at intake
 * (an item without fees has none), and the latest charge as the fees domain's
 * gate events tell it (functions/cases/payment-gate.ts).
 */
export const Payment = Type.Object(
  {
    stage: StringEnum(['before_acceptance', 'before_delivery'] as const, 'When the fees are paid (缴费环节): the case is accepted, or its result delivered, only once they are settled'),
    status: StringEnum(['due', 'settled', 'expired'] as const, '待缴 (no charge yet, or one waiting) / 已结清 (paid or waived) / 已逾期 (the latest charge expired unpaid)'),
    onUnpaidExpiry: StringEnum(['terminate', 'keep_waiting'] as const, 'The item\'s setting: what an expired charge does to the case'),
    chargeId: Type.Optional(Type.String({ description: 'The latest charge (the fees domain\'s id)' })),
    dueFen: Type.Optional(Type.Integer({ minimum: 0, description: 'Integer fen the latest charge asks for' })),
    payBy: Type.Optional({ ...LocalDate, description: 'The last day to pay the latest charge' }),
    how: Type.Optional(StringEnum(['paid', 'waived'] as const, 'How it was settled')),
    waits: Type.Optional(Type.Array(
      Type.Object({ from: Instant, to: Type.Optional(Instant) }, closed),
      { maxItems: 20, description: 'The periods the case waited to pay (待缴费): the applicant\'s time, not the agency\'s — they move the notice period (art. 32) or the delivery limit (art. 44) back; the last one is open while the case waits' },
    )),
  },
  { ...closed, description: 'The payment gate (缴费); absent: the item has no fees' },
);
export type Payment = Static<typeof Payment>;

const Review = Type.Object({ by: Type.String(), role: Type.String(), opinion: Type.String(), at: Instant }, closed);

export const Case = Type.Object(
  {
    caseNo: CaseNo,
    state: CaseState,
    version: Type.Integer({ minimum: 1 }),
    channel: StringEnum(['online', 'window'] as const),
    item: Type.Object(
      {
        code: ItemCode,
        version: Type.Integer(),
        name: Type.String(),
        departmentId: DepartmentId,
        serviceMode: ServiceMode,
        jointDepartments: Type.Array(DepartmentId),
        separateReviewAndDecision: Type.Optional(Type.Literal(true, { description: 'The approver who decides has recorded no review opinion on the case (审查与审批分离)' })),
      },
      closed,
    ),
    applicant: Type.Object({ applicantId: ApplicantId, kind: ApplicantKind, name: Type.String() }, closed),
    agent: Type.Optional(Type.Object({ applicantId: ApplicantId, name: Type.String() }, { ...closed, description: 'The agent (代办人) who filed for the applicant online' })),
    certificateNo: Type.Optional(ActedOnCertificate),
    fields: Type.Record(Type.String(), Type.Unknown()),
    materials: Type.Array(CaseMaterial),
    receivedAt: Instant,
    noticeDue: Type.Optional(LocalDate),
    acceptedAt: Type.Optional(Instant),
    deemedAccepted: Type.Optional(Type.Boolean()),
    supplementNotice: Type.Optional(Type.Object(
      {
        issuedAt: Instant,
        items: SupplementNoticeBody.properties.items,
        due: Type.Optional({ ...LocalDate, description: 'The last day to supplement: after it the case closes as supplement timed out (补正逾期)' }),
      },
      { ...closed, description: 'The latest notice: the one-time notice, or a later one naming defects of what the supplement handed in' },
    )),
    supplied: Type.Optional(Type.Array(MaterialId, { description: 'The materials the last supplement handed in: the only ones a later notice may name besides required ones still missing' })),
    tolerance: Type.Optional(
      Type.Object({ missing: AcceptWithToleranceBody.properties.missing, due: LocalDate, consent: Type.Optional(PledgeConsent), completedAt: Type.Optional(Instant) }, closed),
    ),
    termination: Type.Optional(Type.Object(
      { reason: StringEnum(['pledge_not_kept', 'supplement_timed_out', 'charge_unpaid'] as const, '容缺材料逾期未补齐 / 补正逾期 / 逾期未缴费') },
      { ...closed, description: 'Why a terminated case ended' },
    )),
    refusal: Type.Optional(RefuseBody),
    reviews: Type.Array(Review),
    jointSteps: Type.Array(Step),
    suspension: Type.Optional(Suspension),
    escalation: Type.Optional(Type.Object(
      {
        authority: Type.String(),
        reason: Type.String(),
        from: Instant,
        returnedAt: Type.Optional({ ...Instant, description: 'When the case came back (returnFromEscalation); absent while the upper level has it' }),
        upperDecision: Type.Optional(UpperDecision),
      },
      { ...closed, description: 'The latest escalation (上报): kept after the return, with the upper authority\'s decision once recorded; a new escalation replaces it' },
    )),
    hearing: Type.Optional(Type.Object(
      {
        rightNotice: Type.Optional(Type.Object(
          { parties: HearingRightNoticeBody.properties.parties, toldAt: Instant, requestDue: { ...LocalDate, description: 'The last day to ask for a hearing (5 working days)' } },
          closed,
        )),
        request: Type.Optional(Type.Object(
          {
            by: StringEnum(['applicant', 'interested_party', 'agency'] as const, '申请人申请 / 利害关系人申请 / 行政机关依职权'),
            party: Type.Optional(Type.String()),
            reason: Type.Optional(Type.String()),
            at: Instant,
            organiseBy: { ...LocalDate, description: 'The last day to hold the hearing (20 working days after the request)' },
          },
          closed,
        )),
        schedule: Type.Optional(Type.Object({
          at: Instant, place: Type.String(), noticedAt: Instant,
          pastOrganiseBy: Type.Optional(Type.Literal(true, { description: 'Held after its organisation day: scheduled when that day could no longer be met with 7 days\' notice (art. 48 before art. 47)' })),
        }, closed)),
        outcome: Type.Optional(Type.Object({ summary: Type.String(), at: Instant }, closed)),
      },
      { ...closed, description: 'The hearing (听证, arts. 46–47): its time does not count toward the limit' },
    )),
    coordination: Type.Optional(Type.Object(
      { outcome: CoordinateBody.properties.outcome, note: Type.String(), by: Type.String(), at: Instant },
      { ...closed, description: 'The latest coordination (协调) of co-department dissent: it settles the dissents given before it' },
    )),
    extension: Type.Optional(
      Type.Object(
        { reason: Type.String(), requestedBy: Type.String(), requestedAt: Instant, approvedBy: Type.Optional(Type.String()), approvedAt: Type.Optional(Instant) },
        closed,
      ),
    ),
    decision: Type.Optional(Type.Object({ outcome: StringEnum(['approved', 'denied'] as const), reasons: Type.Optional(Type.Array(Type.String())), at: Instant }, closed)),
    attribution: Type.Optional(Type.Object(
      {
        intake: Type.Optional(Type.Object(
          { staffId: Type.String({ description: 'Account id of the clerk' }), windowId: Type.Optional({ ...WindowId, description: 'The window the clerk worked at, when known' }) },
          { ...closed, description: 'Who took the case in (受理人): the clerk who accepted it, else (deemed accepted) the one who received it at the window' },
        )),
        decidedBy: Type.Optional(Type.String({ description: 'Account id of the staff member who approved or denied it' })),
      },
      { ...closed, description: 'Whom the case\'s evaluation (好差评) counts for in the appraisal (考核). Staff only: an applicant\'s view leaves it out' },
    )),
    completedAt: Type.Optional(Instant),
    payment: Type.Optional(Payment),
    delivery: Type.Optional(Type.Object({ method: Type.String(), trackingNo: Type.Optional(Type.String()), at: Instant }, closed)),
    endedAt: Type.Optional(Instant),
    archiveLocation: Type.Optional(Type.String({ description: 'Where the archived case file is (s3://bucket/prefix), once archived' })),
    clock: CaseClock,
    deadlines: Deadlines,
    remainingWorkingDays: Remaining,
    nextActions: Type.Array(Type.String(), { description: 'The actions the caller may take now (POST /cases/{caseNo}/{action})' }),
    createdAt: Instant,
    updatedAt: Instant,
    queryCode: Type.Optional({ ...QueryCode, description: 'The current query code (查询码), in the view of the applicant who owns the case only (not an agent\'s: a code outlives an authorization), once accepted' }),
    receipt: Type.Optional({ ...Receipt, description: 'Only in the answer of the action that accepted the case: the receipt (受理通知书) with the query code' } as typeof Receipt),
  },
  closed,
);
export type Case = Static<typeof Case>;

export const CaseSummary = Type.Object(
  {
    caseNo: CaseNo,
    state: CaseState,
    itemCode: ItemCode,
    itemName: Type.String(),
    departmentId: DepartmentId,
    serviceMode: ServiceMode,
    applicantName: Type.String(),
    receivedAt: Instant,
    deadlines: Deadlines,
    remainingWorkingDays: Remaining,
  },
  closed,
);
export type CaseSummary = Static<typeof CaseSummary>;
export const CasePage = Page(CaseSummary);

export const queueNames = ['to_accept', 'to_supplement', 'in_review', 'suspended', 'joint_opinions', 'to_deliver', 'to_pay', 'due_soon', 'overdue'] as const;
export const QueueName = StringEnum(queueNames, '待受理 / 待补正 / 审查中 / 特别程序与上报 / 待会签 / 待送达 / 待缴费 (by the last day to pay) / 即将到期 / 已超期');
export type QueueName = Static<typeof QueueName>;

export const QueueQuery = Type.Object(
  {
    departmentId: Type.Optional(DepartmentId),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  closed,
);
export const QueuePath = Type.Object({ queue: QueueName }, closed);
export const MyCasesQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
    principalId: Type.Optional({ ...ApplicantId, description: 'An agent (代办人): the cases of this applicant who authorized them, those the authorization covers' }),
  },
  closed,
);

export const CasePath = Type.Object({ caseNo: CaseNo }, closed);

export const TimelineEntry = Type.Object(
  {
    eventId: Type.String(),
    at: Instant,
    type: Type.String({ description: 'The event\'s detail-type' }),
    action: Type.String(),
    actor: Type.Object({ id: Type.String(), role: Type.String(), departmentId: Type.Optional(Type.String()) }, closed),
    from: Type.Optional(CaseState),
    to: CaseState,
    clockEffect: Type.Optional(ClockEffect),
    deadlines: Deadlines,
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  closed,
);
export const Timeline = Type.Object({ items: Type.Array(TimelineEntry) }, closed);

export const PublicProgressQuery = Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }), centerId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,47}$', maxLength: 48 })) }, closed);
export const PublicProgress = Type.Object(
  {
    caseNo: CaseNo,
    itemName: Type.String(),
    state: CaseState,
    receivedAt: Instant,
    acceptedAt: Type.Optional(Instant),
    decidedAt: Type.Optional(Instant),
    completedAt: Type.Optional(Instant),
    promisedDue: Type.Optional(LocalDate),
    statutoryDue: Type.Optional(LocalDate),
  },
  { ...closed, description: 'Status and dates only: no names, numbers or contact data' },
);
