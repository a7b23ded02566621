/**
 * Complaints (投诉): intake from every channel, the supervisor's acceptance and
 * assignment, the department's reply on a working-day clock with one
 * extension, the complainant's rating and the review one level up. The
 * actions and their states are listed in functions/complaints/lifecycle.ts.
 * The complainant's identity and contact are shown to supervisors and to the
 * complainant only, never to the department complained about.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { Limit, NextToken, Page, StringEnum, closed, text, CaseNo, DepartmentId, Username, WindowId, ComplaintId } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const localDate = (description: string) => Type.String({ format: 'date', description: `${description} (YYYY-MM-DD in the center's time zone)` });

export const complaintStates = ['filed', 'not_accepted', 'assigned', 'replied', 'unsatisfied', 'under_review', 'closed'] as const;
export const ComplaintState = StringEnum(
  complaintStates,
  '待受理 / 不予受理 / 已转办(待答复) / 已答复(待评价) / 不满意(可申请复核) / 复核中 / 已办结. Clients must tolerate values they do not know.',
);
export type ComplaintState = Static<typeof ComplaintState>;

export const complaintChannels = ['website', 'onsite', 'phone', 'email', 'hotline_12345'] as const;
export const ComplaintChannel = StringEnum(complaintChannels, 'website: 网上 (the applicant, signed in); onsite: 现场; phone: 电话; email: 邮件; hotline_12345: 12345 热线 (recorded by staff)');
export type ComplaintChannel = Static<typeof ComplaintChannel>;
/** The channels staff record a complaint from; `website` is the applicant's own. */
export const staffChannels = complaintChannels.filter((c) => c !== 'website');

export const complaintCategories = ['missed_promised_limit', 'refused_to_act', 'rudeness', 'one_time_notice_failed', 'bribery', 'other'] as const;
export const ComplaintCategory = StringEnum(
  complaintCategories,
  'missed_promised_limit: 超过承诺时限; refused_to_act: 应办不办; rudeness: 态度恶劣; one_time_notice_failed: 未一次性告知; bribery: 吃拿卡要; other: 其他',
);
export type ComplaintCategory = Static<typeof ComplaintCategory>;

export const subjectTypes = ['case', 'window', 'staff', 'department', 'center'] as const;
export const ComplaintSubject = Type.Object(
  {
    type: StringEnum(subjectTypes, 'What the complaint is about; the field of the same name identifies it (none for the center)'),
    caseNo: Type.Optional(CaseNo),
    windowId: Type.Optional(WindowId),
    username: Type.Optional({ ...Username, description: 'The staff member complained about' }),
    departmentId: Type.Optional(DepartmentId),
  },
  { ...closed, description: 'Exactly the identifier its type names: caseNo for a case, windowId for a window, username for a staff member, departmentId for a department, none for the center' },
);
export type ComplaintSubject = Static<typeof ComplaintSubject>;

export const Complainant = Type.Object(
  {
    name: text(50, 'The complainant\'s name (an applicant filing online: from their profile)'),
    contact: text(100, 'Where to reach the complainant about this complaint: a phone number or an email address'),
  },
  { ...closed, description: 'Personal data: shown to supervisors and to the complainant only, never to the department complained about, never on events' },
);
export type Complainant = Static<typeof Complainant>;

/** Why a complaint is not accepted, in the words the complainant is told. */
export const notAcceptedReasonLabels = {
  no_respondent_or_content: '无明确被投诉对象或内容',
  unverifiable: '无法核实',
  outside_scope: '不属于受理范围',
  in_review_or_litigation: '已进入行政复议或诉讼程序',
} as const;
export const notAcceptedReasons = Object.keys(notAcceptedReasonLabels) as (keyof typeof notAcceptedReasonLabels)[];
export const NotAcceptedReason = StringEnum(
  notAcceptedReasons,
  Object.entries(notAcceptedReasonLabels).map(([k, v]) => `${k}: ${v}`).join('; '),
);

// ---------------------------------------------------------------------------
// Requests

export const FileComplaintBody = Type.Object(
  {
    channel: Type.Optional({ ...ComplaintChannel, description: 'Staff: the channel it came by (onsite, phone, email, hotline_12345; required). An applicant online: website (the default)' }),
    subject: ComplaintSubject,
    category: ComplaintCategory,
    content: text(4000, 'What happened'),
    complainant: Type.Optional({ ...Complainant, description: 'Staff: who complains and how to reach them (required). An applicant online gives `contact` only' }),
    contact: Type.Optional(text(100, 'An applicant online: where to reach them about this complaint')),
  },
  closed,
);
export type FileComplaintBody = Static<typeof FileComplaintBody>;

export const AcceptBody = Type.Object(
  {
    departmentId: Type.Optional({ ...DepartmentId, description: 'The department to answer; absent: the one derived from the subject (required when none could be)' }),
    note: Type.Optional(text(1000)),
  },
  { ...closed, description: 'Accept (受理) and assign (转办) in one step: the department\'s reply is due in the center\'s working days (default 5)' },
);
export const NotAcceptBody = Type.Object(
  { reason: NotAcceptedReason, explanation: text(1000, 'What the complainant is told') },
  closed,
);
export const ExtensionRequestBody = Type.Object(
  { reason: text(1000), workingDays: Type.Integer({ minimum: 1, maximum: 10, description: 'Working days added to the reply\'s due date' }) },
  { ...closed, description: 'The one extension (延期) a department may ask for' },
);
export const ExtensionDecisionBody = Type.Object({ opinion: Type.Optional(text(1000)) }, closed);
export const ReplyBody = Type.Object(
  {
    reply: text(4000, 'The department\'s answer to the complainant (答复)'),
    substantiated: Type.Boolean({ description: 'Whether the complaint was found to be well founded (属实)' }),
    staffAtFault: Type.Optional({ ...Username, description: 'A substantiated complaint: the staff member found at fault (it counts against them for the year)' }),
  },
  closed,
);
export const RateBody = Type.Object(
  { rating: StringEnum(['satisfied', 'unsatisfied'] as const, '满意 / 不满意'), comment: Type.Optional(text(1000)) },
  { ...closed, description: 'The complainant rates the reply (a supervisor records a rating given by phone)' },
);
export const ReviewRequestBody = Type.Object({ reason: text(1000, 'Why the reply is not accepted') }, closed);
export const ReviewAnswerBody = Type.Object(
  {
    answer: text(4000, 'The center\'s review reply (复核答复)'),
    substantiated: Type.Boolean({ description: 'The review\'s finding; a substantiated finding the department denied does not add to the staff count (the department\'s reply names the person)' }),
  },
  closed,
);

// ---------------------------------------------------------------------------
// The complaint as read

const Extension = Type.Object(
  {
    reason: Type.String(),
    workingDays: Type.Integer(),
    requestedBy: Type.String(),
    requestedAt: Instant,
    decision: Type.Optional(Type.Object({ approved: Type.Boolean(), opinion: Type.Optional(Type.String()), by: Type.String(), at: Instant }, closed)),
  },
  closed,
);

export const Complaint = Type.Object(
  {
    complaintId: ComplaintId,
    state: ComplaintState,
    version: Type.Integer({ minimum: 1 }),
    channel: ComplaintChannel,
    category: ComplaintCategory,
    subject: ComplaintSubject,
    content: Type.String(),
    respondentDepartmentId: Type.Optional({ ...DepartmentId, description: 'The department complained about, as derived from the subject (a case: its lead department; a staff member or a window: theirs)' }),
    departmentId: Type.Optional({ ...DepartmentId, description: 'The department the complaint is assigned to for its reply' }),
    complainant: Type.Optional(Complainant),
    filedAt: Instant,
    filedBy: Type.Optional(Type.String({ description: 'Who recorded it: the applicant\'s or the staff member\'s account id (absent for those who do not see the complainant)' })),
    acceptDue: localDate('The supervisor decides on acceptance by'),
    acceptance: Type.Optional(Type.Object({ by: Type.String(), at: Instant, note: Type.Optional(Type.String()) }, closed)),
    notAccepted: Type.Optional(Type.Object({ reason: NotAcceptedReason, explanation: Type.String(), by: Type.String(), at: Instant }, closed)),
    replyDue: Type.Optional(localDate('The department replies by')),
    extension: Type.Optional(Extension),
    reply: Type.Optional(Type.Object({ text: Type.String(), substantiated: Type.Boolean(), staffAtFault: Type.Optional(Username), by: Type.String(), at: Instant }, closed)),
    rateDue: Type.Optional(localDate('The complainant rates the reply by; then it closes as satisfied')),
    rating: Type.Optional(Type.Object({ rating: RateBody.properties.rating, comment: Type.Optional(Type.String()), by: Type.Optional(Type.String({ description: 'Absent for those who do not see the complainant' })), at: Instant, byDefault: Type.Optional(Type.Literal(true)) }, closed)),
    reviewDue: Type.Optional(localDate('An unsatisfied complainant asks for the review by; then it closes')),
    review: Type.Optional(Type.Object(
      { reason: Type.String(), requestedAt: Instant, answer: Type.Optional(Type.String()), substantiated: Type.Optional(Type.Boolean()), by: Type.Optional(Type.String()), at: Type.Optional(Instant) },
      closed,
    )),
    provisional: Type.Optional(Type.Literal(true, { description: 'A due date was counted on a calendar year the center has not entered yet (decision 61)' })),
    closedAt: Type.Optional(Instant),
    nextActions: Type.Array(Type.String(), { description: 'The actions the caller may take now (POST /complaints/{complaintId}/{action})' }),
    createdAt: Instant,
    updatedAt: Instant,
  },
  closed,
);
export type Complaint = Static<typeof Complaint>;

export const ComplaintSummary = Type.Object(
  {
    complaintId: ComplaintId,
    state: ComplaintState,
    channel: ComplaintChannel,
    category: ComplaintCategory,
    subject: ComplaintSubject,
    departmentId: Type.Optional(DepartmentId),
    filedAt: Instant,
    acceptDue: Type.String({ format: 'date' }),
    replyDue: Type.Optional(Type.String({ format: 'date' })),
    overdue: Type.Optional(Type.Boolean({ description: 'Past the due date of the step it waits for (acceptance or reply)' })),
  },
  { ...closed, description: 'No complainant data in any list' },
);
export const ComplaintPage = Page(ComplaintSummary);

export const ComplaintPath = Type.Object({ complaintId: ComplaintId }, closed);

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Rate = (description: string) => Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: `${description}; absent when nothing is counted under it` }));
/** A month's figures for the center, a category or a department (functions/complaints/figures.ts). */
export const ComplaintFigureRow = Type.Object(
  {
    filed: Count('Complaints filed in the month (the center\'s, department rows: none, they are assigned later)'),
    decided: Count('Accepted or not accepted'),
    decidedOnTime: Count('Decided by the acceptance day'),
    notAccepted: Count('Not accepted'),
    assigned: Count('Accepted and assigned to a department'),
    replied: Count('Replied by the department'),
    repliedOnTime: Count('Replied by the reply day (after an approved extension, its new day)'),
    substantiated: Count('Replies finding the complaint substantiated (属实)'),
    rated: Count('Replies rated, or closed unrated (satisfied by default)'),
    satisfied: Count('Of those rated, satisfied'),
    responseRate: Rate('decidedOnTime / filed (响应率)'),
    onTimeRate: Rate('repliedOnTime / replied (按时办结率)'),
    satisfactionRate: Rate('satisfied / rated (满意率)'),
  },
  closed,
);
export type ComplaintFigureRow = Static<typeof ComplaintFigureRow>;

export const ComplaintFiguresQuery = Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', maxLength: 7, description: 'yyyy-mm, the month filed (the center\'s)' }) }, closed);
export const ComplaintFigures = Type.Object(
  {
    centerId: Type.String(),
    month: Type.String(),
    center: ComplaintFigureRow,
    byCategory: Type.Array(Type.Object({ category: ComplaintCategory, ...ComplaintFigureRow.properties }, closed)),
    byDepartment: Type.Array(Type.Object({ departmentId: DepartmentId, ...ComplaintFigureRow.properties }, closed), { description: 'A department\'s staff: their own department only' }),
  },
  { ...closed, description: 'Counts and rates only: no complaint, complainant or staff member is named' },
);
export type ComplaintFigures = Static<typeof ComplaintFigures>;
export const ComplaintListQuery = Type.Object(
  {
    state: Type.Optional({ ...ComplaintState, description: 'Supervisors: the complaints in this state, oldest first (default filed)' }),
    departmentId: Type.Optional({ ...DepartmentId, description: 'A department\'s queue: its assigned complaints, earliest reply due first (its staff: their own department by default). Not with state' }),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  { ...closed, description: 'An applicant lists their own complaints (newest first); department staff their department\'s queue; supervisors by state or a department\'s queue' },
);

// ---------------------------------------------------------------------------
// Settings

export const ComplaintSettingsBody = Type.Object(
  {
    acceptWorkingDays: Type.Integer({ minimum: 1, maximum: 10, description: 'The supervisor decides on acceptance within (default 2)' }),
    replyWorkingDays: Type.Integer({ minimum: 1, maximum: 30, description: 'The department replies within, from the acceptance (default 5)' }),
    rateWorkingDays: Type.Integer({ minimum: 1, maximum: 30, description: 'The complainant rates the reply within; then it closes as satisfied (default 5)' }),
    reviewWorkingDays: Type.Integer({ minimum: 1, maximum: 30, description: 'An unsatisfied complainant asks for the review within; then it closes (default 5)' }),
    staffRemovalThreshold: Type.Integer({ minimum: 1, maximum: 10, description: 'Substantiated complaints against one staff member in a calendar year that suggest their removal from the window (default 2)' }),
  },
  closed,
);
export type ComplaintSettingsBody = Static<typeof ComplaintSettingsBody>;
export const ComplaintSettings = Type.Object(
  {
    ...ComplaintSettingsBody.properties,
    source: StringEnum(['default', 'center'] as const, 'default: the deployment\'s; center: set by the center admin'),
    updatedAt: Type.Optional(Instant),
    updatedBy: Type.Optional(Type.String()),
  },
  { ...closed, description: 'Apply to the steps taken from the moment they are set (dates already set stay)' },
);
export type ComplaintSettings = Static<typeof ComplaintSettings>;
