/**
 * The center's organization (进驻部门, 窗口) and its working-day calendar
 * (工作日, 调休): request and response shapes.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed, text, CenterId, DepartmentId, ItemCode, WindowId, Username } from './common.ts';

const CalendarDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
/** A staff member's account id: the `sub` of their tokens, which every actor field (…By, by, actor.id) holds. */
const accountId = (description: string) => Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$', maxLength: 128, description });
const Audit = {
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String({ description: 'Account id (sub) of the staff member who made the change (GET /org/staff?id= names them), or `system` for the platform\'s own setup' }),
};

/**
 * A fee waiver category (收费减免, e.g. 小型微型企业免征): who qualifies is the
 * clerk's finding, the basis is the law or policy that grants it. `full`
 * waives the whole charge; `percent` that share of it, rounded down to the fen.
 */
export const FeeWaiverCategory = Type.Object(
  {
    categoryId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', maxLength: 40, description: 'Stable id, named by charges' }),
    name: text(100, 'e.g. 小型微型企业'),
    basis: text(500, 'The law or policy that grants the waiver, e.g. 财税〔2014〕101号'),
    kind: StringEnum(['full', 'percent'] as const, '免征 / 按比例减征'),
    percent: Type.Optional(Type.Integer({ minimum: 1, maximum: 99, description: 'percent: the share of the charge waived; only with percent' })),
  },
  closed,
);
export type FeeWaiverCategory = Static<typeof FeeWaiverCategory>;

export const CenterBody = Type.Object(
  {
    name: text(100, 'e.g. 示范县政务服务中心'),
    timeZone: Type.String({ pattern: '^[A-Za-z]+(/[A-Za-z_+-]+){1,2}$', maxLength: 64, description: 'IANA time zone of the center\'s calendar dates, e.g. Asia/Shanghai' }),
    code: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{2,12}$', maxLength: 12, description: 'Prefix of case numbers, e.g. the region code 370982' })),
    caseRules: Type.Optional(
      Type.Object(
        {
          pledgeMayPassPromisedLimit: Type.Optional(Type.Boolean({ description: 'Whether a 容缺 pledge may run past the promised decision date (default false)' })),
          supplementWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'Working days to answer a one-time supplement notice, for items that set none (default 30); then the case closes as supplement timed out' })),
        },
        { ...closed, description: 'The center\'s settings of the case rules (functions/cases/settings.ts); an absent field takes its default' },
      ),
    ),
    feeWaivers: Type.Optional(Type.Array(FeeWaiverCategory, { maxItems: 30, description: 'The fee waiver categories (减免) a charge may be granted, each with its legal basis (functions/fees/settings.ts); absent: none' })),
  },
  closed,
);
export type CenterBody = Static<typeof CenterBody>;
export const Center = Type.Object({ centerId: Type.String(), ...CenterBody.properties, ...Audit }, closed);
export type Center = Static<typeof Center>;

export const DepartmentBody = Type.Object(
  { name: text(100, 'e.g. 示范县市场监督管理局'), chiefRepresentative: text(50, '首席代表') },
  closed,
);
export type DepartmentBody = Static<typeof DepartmentBody>;
export const Department = Type.Object({ departmentId: DepartmentId, ...DepartmentBody.properties, ...Audit }, closed);
export type Department = Static<typeof Department>;

export const WindowBody = Type.Object(
  {
    name: text(100, 'e.g. A区3号 市场监管综合窗口'),
    departmentIds: Type.Array(DepartmentId, { minItems: 1, maxItems: 30, uniqueItems: true, description: 'A general window (综合窗口) serves several' }),
    itemCodes: Type.Optional(Type.Array(ItemCode, { maxItems: 500, uniqueItems: true, description: 'Items handled here; none = every item of its departments' })),
  },
  closed,
);
export type WindowBody = Static<typeof WindowBody>;
export const ServiceWindow = Type.Object({ windowId: WindowId, ...WindowBody.properties, ...Audit }, closed);
export type ServiceWindow = Static<typeof ServiceWindow>;

export const CalendarYearBody = Type.Object(
  {
    holidays: Type.Array(CalendarDate, { maxItems: 120, uniqueItems: true, description: 'Public holidays (法定节假日) and their bridging days off' }),
    workdays: Type.Array(CalendarDate, { maxItems: 30, uniqueItems: true, description: 'Weekend days worked (调休)' }),
    source: Type.Optional(text(200, 'The notice the schedule comes from, e.g. 国办发明电〔2025〕7号')),
  },
  closed,
);
export type CalendarYearBody = Static<typeof CalendarYearBody>;
export const CalendarYear = Type.Object({ year: Type.Integer(), ...CalendarYearBody.properties, ...Audit }, closed);
export type CalendarYear = Static<typeof CalendarYear>;

export const DepartmentPath = Type.Object({ departmentId: DepartmentId }, closed);
export const WindowPath = Type.Object({ windowId: WindowId }, closed);
export const YearPath = Type.Object({ year: Type.String({ pattern: '^(19|2[0-9])[0-9]{2}$', maxLength: 4 }) }, closed);
export const PublicCalendarQuery = Type.Object({ centerId: Type.Optional(CenterId) }, closed);

export const DepartmentList = Type.Object({ items: Type.Array(Department) }, closed);
export const WindowList = Type.Object({ items: Type.Array(ServiceWindow) }, closed);

/** The departments one person may be authorized for: they travel in every token (`custom:departmentIds`, at most 2048 characters). */
export const MAX_STAFF_DEPARTMENTS = 10;

/** Roles a staff account can hold (applicants register themselves). */
export const StaffRoleName = StringEnum(['clerk', 'approver', 'dept_admin', 'dept_head', 'center_admin', 'supervisor', 'auditor', 'finance'] as const, 'dept_head: the agency\'s head (负责人), who approves extensions (art. 42); finance: the center\'s finance (财务), who reconciles with the payment provider');
export const StaffBody = Type.Object(
  {
    name: text(50),
    email: Type.String({ format: 'email', maxLength: 200, description: 'Where the invitation goes; personal data, never listed' }),
    roles: Type.Array(StaffRoleName, { minItems: 1, maxItems: 6, uniqueItems: true }),
    departmentId: Type.Optional({ ...DepartmentId, description: 'The department the person belongs to (the primary one when `departmentIds` names several)' }),
    departmentIds: Type.Optional(Type.Array(DepartmentId, {
      minItems: 1, maxItems: MAX_STAFF_DEPARTMENTS, uniqueItems: true,
      description: 'Every department the person is authorized for, the primary first: a general window\'s staff (综合窗口) take in cases for several. Only a center admin authorizes several; stored as `departmentId` alone when it names one',
    })),
    windowIds: Type.Array(WindowId, { maxItems: 20, uniqueItems: true }),
    backups: Type.Array(
      Type.Object({ itemCode: ItemCode, backupUsername: Username }, { ...closed, description: 'AB角: who covers this person for an item' }),
      { maxItems: 100 },
    ),
  },
  closed,
);
export type StaffBody = Static<typeof StaffBody>;

const StaffStatus = StringEnum(['active', 'disabled'] as const);
export const Staff = Type.Object(
  { username: Username, ...StaffBody.properties, status: StaffStatus, sub: accountId('Account id (the `sub` of the account\'s tokens): the `id` of its directory entry'), ...Audit },
  closed,
);
export type Staff = Static<typeof Staff>;
/** The directory entry other staff see: no contact data; `id` resolves the actor fields of every other resource. */
export const StaffEntry = Type.Object(
  { id: accountId('Account id (the `sub` of the account\'s tokens), which actor fields elsewhere (…By, by, actor.id) hold'), username: Username, name: Type.String(), roles: StaffBody.properties.roles, departmentId: Type.Optional(DepartmentId), departmentIds: StaffBody.properties.departmentIds, windowIds: StaffBody.properties.windowIds, status: StaffStatus },
  closed,
);
export type StaffEntry = Static<typeof StaffEntry>;
export const StaffList = Type.Object({ items: Type.Array(StaffEntry) }, closed);
export const StaffListQuery = Type.Object(
  { id: Type.Optional(accountId('Only the staff member with this account id (an actor id read elsewhere)')) },
  closed,
);
export const StaffPath = Type.Object({ username: Username }, closed);
export const StaffActionPath = Type.Object({ username: Username, action: StringEnum(['disable', 'enable'] as const) }, closed);

/**
 * The center admin's decision on a person whose complaints found substantiated
 * this year reached the center's threshold (投诉属实, 调离窗口): taken off every
 * window, or kept there with the reason. One decision per person and year.
 */
export const StaffRemovalPath = Type.Object({ username: Username, year: YearPath.properties.year }, closed);
export const StaffRemovalBody = Type.Object(
  {
    decision: StringEnum(['remove_from_windows', 'keep'] as const, '调离窗口 / 留用'),
    reason: text(500, 'Why: kept on the record and in the audit log'),
  },
  closed,
);
export type StaffRemovalBody = Static<typeof StaffRemovalBody>;
export const StaffRemovalDecision = Type.Object(
  {
    username: Username,
    year: Type.Integer(),
    ...StaffRemovalBody.properties,
    substantiated: Type.Integer({ minimum: 0, description: 'Complaints found substantiated against the person in the year, when decided' }),
    threshold: Type.Integer({ minimum: 1, description: 'The center\'s threshold when decided' }),
    windowIdsBefore: StaffBody.properties.windowIds,
    decidedBy: Audit.updatedBy,
    decidedAt: Type.String({ format: 'date-time' }),
  },
  closed,
);
export type StaffRemovalDecision = Static<typeof StaffRemovalDecision>;

/**
 * A day a staff member is away (AB角: A 缺岗, B 顶岗): their backups (the
 * `backupUsername`s of their staff entry) work A's windows that day, and what
 * they do there counts for them. Marked by the person's department admin or
 * the center admin, from today on; the reason stays off events.
 */
export const StaffAbsencePath = Type.Object({ username: Username, date: CalendarDate }, closed);
export const StaffAbsenceBody = Type.Object(
  { reason: Type.Optional(text(200, 'e.g. 年休假; kept on the record only, never on events or in the audit log')) },
  closed,
);
export type StaffAbsenceBody = Static<typeof StaffAbsenceBody>;
export const AbsenceCover = Type.Object(
  { username: Username, itemCodes: Type.Array(ItemCode, { description: 'The items the staff entry names this backup for' }) },
  { ...closed, description: 'A backup (B角) who covers the absent person that day' },
);
export const StaffAbsence = Type.Object(
  {
    username: Username,
    date: CalendarDate,
    ...StaffAbsenceBody.properties,
    windowIds: Type.Array(WindowId, { description: 'The absent person\'s windows that day, which their backups may work' }),
    coveredBy: Type.Array(AbsenceCover),
    markedBy: Audit.updatedBy,
    markedAt: Type.String({ format: 'date-time' }),
  },
  closed,
);
export type StaffAbsence = Static<typeof StaffAbsence>;
export const AbsenceDayPath = Type.Object({ date: CalendarDate }, closed);
export const AbsenceList = Type.Object({ items: Type.Array(Type.Omit(StaffAbsence, ['reason'])) }, closed);

/** A removal the complaints suggested this year, and the center admin's decision once taken (none: still to decide). */
export const StaffRemovalSuggestion = Type.Object(
  {
    username: Username,
    year: Type.Integer(),
    substantiated: Type.Integer({ minimum: 1, description: 'Substantiated complaints when the threshold was reached' }),
    threshold: Type.Integer({ minimum: 1 }),
    suggestedAt: Type.String({ format: 'date-time' }),
    decision: Type.Optional(StaffRemovalDecision),
  },
  closed,
);
export const StaffRemovalSuggestionList = Type.Object({ items: Type.Array(StaffRemovalSuggestion) }, closed);
