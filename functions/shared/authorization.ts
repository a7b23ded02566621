/**
 * Who may do what, for every domain, as data: each action lists the roles that
 * may take it and the scope each role acts in. A reader asking "may a clerk
 * change the calendar?" finds one row here; handlers only name the action.
 *
 * Scopes: `center` — anywhere in the caller's own center; `department` — only
 * on resources that belong to the caller's own departments; `handled` — only on
 * the own departments' resources about a case the caller has acted on (承办),
 * or that nobody has taken yet (the department's clerks all answer for those).
 * A caller's own departments are usually one; a general window's staff
 * (综合窗口) are authorized for several, each as fully as its own staff.
 * Nobody ever acts across centers: that check comes first, whatever the role.
 */
import { msg, type Text } from '#schemas/api/problems';
import { callerDepartments, type Caller, type StaffRole } from './auth.ts';
import { forbidden } from './errors.ts';

export type Scope = 'center' | 'department' | 'handled';

interface Grant {
  readonly role: StaffRole;
  readonly scope: Scope;
}

const staff: readonly StaffRole[] = ['clerk', 'approver', 'dept_admin', 'dept_head', 'center_admin', 'supervisor', 'auditor'];
const everyStaffRole = staff.map((role) => ({ role, scope: 'center' as const }));
/** The department's own case handlers and its head (负责人), and the supervisor (电子监察) across the center. */
const caseHandlers = [
  { role: 'clerk', scope: 'department' },
  { role: 'approver', scope: 'department' },
  { role: 'dept_admin', scope: 'department' },
  { role: 'dept_head', scope: 'department' },
  { role: 'supervisor', scope: 'center' },
] as const;

export const permissions = {
  /** Service items: create, edit, submit, review, publish, retire (事项管理). */
  'catalog.item.administer': [
    { role: 'center_admin', scope: 'center' },
    { role: 'dept_admin', scope: 'department' },
  ],
  /** The center's own profile (name, time zone). */
  'org.center.write': [{ role: 'center_admin', scope: 'center' }],
  /** Departments and their chief representatives (进驻部门). */
  'org.department.write': [{ role: 'center_admin', scope: 'center' }],
  /** Windows (窗口): the center's, or a department's own. */
  'org.window.write': [
    { role: 'center_admin', scope: 'center' },
    { role: 'dept_admin', scope: 'department' },
  ],
  /** Staff accounts (人员): create, change roles and windows, disable, enable. */
  'org.staff.write': [
    { role: 'center_admin', scope: 'center' },
    { role: 'dept_admin', scope: 'department' },
  ],
  /** Authorizing a person for more than one department (综合窗口), or changing such a person: beyond any one department's say. */
  'org.staff.multiDepartment.write': [{ role: 'center_admin', scope: 'center' }],
  /** Deciding on a person's removal from the windows once their substantiated complaints reached the threshold (调离窗口). */
  'org.staff.removal.decide': [{ role: 'center_admin', scope: 'center' }],
  /** Marking a person absent for a day, so that their backups work their windows (AB角): their department's admin, or the center's. */
  'org.staff.absence.write': [
    { role: 'center_admin', scope: 'center' },
    { role: 'dept_admin', scope: 'department' },
  ],
  /** The center's directory (departments, windows, staff) as staff see it. */
  'org.directory.read': everyStaffRole,
  /** The working-day calendar (工作日, 调休). */
  'org.calendar.write': [{ role: 'center_admin', scope: 'center' }],
  'org.calendar.read': everyStaffRole,
  /** An applicant's own profile and agents (申请人本人): registration makes the account. */
  'applicant.self': [{ role: 'applicant', scope: 'center' }],
  /** Disabling or enabling an applicant's account (e.g. a stolen identity reported at the window). */
  'applicant.account.write': [{ role: 'center_admin', scope: 'center' }],
  /** Flagging an applicant for bad credit (失信), which bars 容缺受理, or lifting the flag. */
  'applicant.credit.write': [{ role: 'center_admin', scope: 'center' }],
  /** Finding an applicant by the ID number or credit code presented at the counter (masked answer, audited). */
  'applicant.lookup': [
    { role: 'clerk', scope: 'center' },
    { role: 'approver', scope: 'center' },
  ],
  /** An applicant's profile as staff read it, personal data masked (申请人信息). */
  'applicant.read': [
    { role: 'clerk', scope: 'center' },
    { role: 'approver', scope: 'center' },
    { role: 'dept_admin', scope: 'center' },
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
  ],
  /** Who may see an applicant's personal data unmasked: the window that verifies identity. */
  'applicant.personalData.reveal': [
    { role: 'clerk', scope: 'center' },
    { role: 'approver', scope: 'center' },
  ],
  /** Applying online for oneself (网上申请). */
  'case.intake.online': [{ role: 'applicant', scope: 'center' }],
  /** Taking in an application at the counter for an identified applicant (窗口收件). */
  'case.intake.window': [{ role: 'clerk', scope: 'department' }],
  /**
   * Reading cases and their timelines (the lifecycle table says who may act on them): the case
   * handlers, and the center admin, who coordinates departments that disagree on a joint case (协调).
   */
  'case.read': [...caseHandlers, { role: 'center_admin', scope: 'center' }],
  /** Scanning a case's materials at the counter (窗口扫描上传). The applicant uploads to the own case. */
  'case.materials.upload': [{ role: 'clerk', scope: 'department' }],
  /** Confirming an uploaded copy against the original (窗口核验 → trust level B). */
  'case.materials.verify': [{ role: 'clerk', scope: 'department' }],
  /** Reissuing a case's query code (查询码补发) for an applicant at the counter; the owner reissues their own online. */
  'case.queryCode.reissue': [{ role: 'clerk', scope: 'department' }],
  /** Fetching a case's files and issued documents: the staff handling it, not supervision (the applicant fetches the own). */
  'case.documents.read': [
    { role: 'clerk', scope: 'department' },
    { role: 'approver', scope: 'department' },
    { role: 'dept_admin', scope: 'department' },
  ],
  /** Revoking a certificate the department issued (撤销, 行政许可法 art. 69), with the reason and the provision; audited. */
  'certificate.revoke': [{ role: 'approver', scope: 'department' }],
  /** Cancelling a certificate the department issued (注销, art. 70), with the reason and the provision; audited. */
  'certificate.cancel': [{ role: 'approver', scope: 'department' }],
  /** Retrieving an archived case file (档案调阅): every retrieval is audited. */
  'archive.read': [
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
    { role: 'auditor', scope: 'center' },
  ],
  /** Proposing what happens to an archive whose retention has ended (鉴定销毁 / 继续保存). */
  'archive.disposition.propose': [{ role: 'center_admin', scope: 'center' }],
  /** Approving that proposal: another person, never the proposer. */
  'archive.disposition.approve': [{ role: 'supervisor', scope: 'center' }],
  /** A department's work queues (待受理, 即将到期, 已超期 …). */
  'case.queue.read': caseHandlers,
  /** The audit log (审计). */
  'audit.read': [{ role: 'auditor', scope: 'center' }],
  /** Evaluations (好差评) of the department's services; the evaluation table says who acts on them. */
  'evaluation.read': [
    { role: 'clerk', scope: 'department' },
    { role: 'approver', scope: 'department' },
    { role: 'dept_admin', scope: 'department' },
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
  ],
  /** Who rated (实名评价): the rater's data is confidential but to supervision. */
  'evaluation.rater.read': [{ role: 'supervisor', scope: 'center' }],
  /** A department's bad reviews to call back and rectify (差评整改). */
  'evaluation.queue.read': [
    { role: 'clerk', scope: 'department' },
    { role: 'approver', scope: 'department' },
    { role: 'dept_admin', scope: 'department' },
    { role: 'supervisor', scope: 'center' },
  ],
  /** Appeals against reviews waiting for a decision (申诉复核). */
  'evaluation.appeals.read': [{ role: 'supervisor', scope: 'center' }],
  /** The satisfaction figures by department, window and item (好差评统计). */
  'evaluation.figures.read': [
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
  ],
  /** The evaluation time limits of the center (rating period, call-back, rectification). */
  'evaluation.settings.read': everyStaffRole,
  'evaluation.settings.write': [{ role: 'center_admin', scope: 'center' }],
  /** Supervision cards (电子监察): supervisors and auditors the whole center; the department's admin its own; clerks and approvers those on cases they handle. */
  'supervision.cards.read': [
    { role: 'supervisor', scope: 'center' },
    { role: 'auditor', scope: 'center' },
    { role: 'dept_admin', scope: 'department' },
    { role: 'clerk', scope: 'handled' },
    { role: 'approver', scope: 'handled' },
  ],
  /** 督办 orders: addressed to a department, read by its staff; supervisors and auditors the whole center. */
  'supervision.orders.read': [
    { role: 'supervisor', scope: 'center' },
    { role: 'auditor', scope: 'center' },
    { role: 'dept_admin', scope: 'department' },
    { role: 'clerk', scope: 'department' },
    { role: 'approver', scope: 'department' },
  ],
  /** Appealing a card of the own department (申诉), with a reason and evidence. */
  'supervision.card.appeal': [{ role: 'dept_admin', scope: 'department' }],
  /** Deciding an appeal: revoke, return, escalate (督办). */
  'supervision.card.decide': [{ role: 'supervisor', scope: 'center' }],
  /** Ordering a department to act on a case or a card by a day (督办). */
  'supervision.order.issue': [{ role: 'supervisor', scope: 'center' }],
  /** The department's reply to an order. */
  'supervision.order.reply': [{ role: 'dept_admin', scope: 'department' }],
  /** The thresholds of the card table. */
  'supervision.settings.read': everyStaffRole,
  'supervision.settings.write': [
    { role: 'supervisor', scope: 'center' },
    { role: 'center_admin', scope: 'center' },
  ],
  /** The monthly supervision figures by department. */
  'supervision.figures.read': [
    { role: 'supervisor', scope: 'center' },
    { role: 'auditor', scope: 'center' },
    { role: 'center_admin', scope: 'center' },
  ],
  /** The hall's queue categories (排队业务类别): which items and windows each takes. */
  'queue.category.write': [{ role: 'center_admin', scope: 'center' }],
  'queue.category.read': everyStaffRole,
  /** Taking a ticket for a visitor at the counter, 绿色通道 included (the public kiosk takes ordinary ones). */
  'queue.ticket.issue': [{ role: 'clerk', scope: 'center' }],
  /** Calling and serving at a window (叫号): only at a window the clerk is assigned to (staff windowIds). */
  'queue.window.work': [{ role: 'clerk', scope: 'center' }],
  /** The day's queue figures by category and window. */
  'queue.figures.read': [
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
    { role: 'dept_admin', scope: 'center' },
  ],
  /** The monthly queue counters for appraisal (考核): the whole center, or a department admin's own department. */
  'queue.stats.read': [
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
    { role: 'dept_admin', scope: 'department' },
  ],
  /** The center's appointment settings (预约设置: slots, opening hours, capacity, days ahead, misses that block). */
  'appointment.settings.read': everyStaffRole,
  'appointment.settings.write': [{ role: 'center_admin', scope: 'center' }],
  /** Booking, cancelling and rescheduling one's own appointments online (网上预约). */
  'appointment.self': [{ role: 'applicant', scope: 'center' }],
  /** Booking for a caller (phone, counter), and cancelling or rescheduling any booking of the center. */
  'appointment.manage': [{ role: 'clerk', scope: 'center' }],
  /** The day's bookings, names masked. */
  'appointment.list': [
    { role: 'clerk', scope: 'center' },
    { role: 'dept_admin', scope: 'center' },
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
  ],
  /** Filing one's own complaint online (网上投诉). */
  'complaint.intake.online': [{ role: 'applicant', scope: 'center' }],
  /** Recording a complaint made on site, by phone, email or the 12345 hotline, for the complainant (现场 / 电话投诉登记). */
  'complaint.intake.staff': [
    { role: 'clerk', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
  ],
  /** A complaint the 12345 hotline took by phone, sent by its system (a service client of the center: functions/shared/auth.ts). */
  'complaint.intake.hotline': [{ role: 'hotline', scope: 'center' }],
  /** Reading a complaint: supervision the center's; the staff of the department it is assigned to, without the complainant (the complaint table says who acts). */
  'complaint.read': [
    { role: 'supervisor', scope: 'center' },
    { role: 'clerk', scope: 'department' },
    { role: 'approver', scope: 'department' },
    { role: 'dept_admin', scope: 'department' },
    { role: 'dept_head', scope: 'department' },
  ],
  /** Who complained and how to reach them (投诉人信息): never the department complained about. */
  'complaint.complainant.read': [{ role: 'supervisor', scope: 'center' }],
  /** The center's complaints by state (投诉受理台). */
  'complaint.list.center': [{ role: 'supervisor', scope: 'center' }],
  /** The monthly complaint figures (投诉统计): the center's, every category's and department's; a department's head and admin, theirs. */
  'complaint.figures.read': [
    { role: 'supervisor', scope: 'center' },
    { role: 'center_admin', scope: 'center' },
    { role: 'dept_head', scope: 'department' },
    { role: 'dept_admin', scope: 'department' },
  ],
  /** The complaint time limits of the center (acceptance, reply, rating, review) and the staff threshold. */
  'complaint.settings.read': everyStaffRole,
  'complaint.settings.write': [{ role: 'center_admin', scope: 'center' }],
  /** A department's assigned complaints to answer, earliest due first (投诉待答复). */
  'complaint.queue.read': [
    { role: 'clerk', scope: 'department' },
    { role: 'approver', scope: 'department' },
    { role: 'dept_admin', scope: 'department' },
    { role: 'dept_head', scope: 'department' },
    { role: 'supervisor', scope: 'center' },
  ],
  /** The center's appraisal indicator table (考核指标): the center admin sets it; supervision and dept heads read it. */
  'appraisal.indicators.read': [
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
    { role: 'dept_head', scope: 'center' },
  ],
  'appraisal.indicators.write': [{ role: 'center_admin', scope: 'center' }],
  /** Closing a month on demand (the schedule closes it shortly after it ends). */
  'appraisal.month.close': [{ role: 'center_admin', scope: 'center' }],
  /** One's own monthly score, and appealing it (考核申诉). */
  'appraisal.scores.own': everyStaffRole,
  /** The month's scores with rankings: the whole center, or a dept head's own department. */
  'appraisal.scores.read': [
    { role: 'center_admin', scope: 'center' },
    { role: 'supervisor', scope: 'center' },
    { role: 'dept_head', scope: 'department' },
  ],
  /** The month's appeals and deciding them. */
  'appraisal.appeal.decide': [{ role: 'supervisor', scope: 'center' }],
  /** A case's charges, their ledgers and balances (收费台账): the case handlers and the center admin; the applicant reads the own case's. */
  'fee.read': [...caseHandlers, { role: 'center_admin', scope: 'center' }],
  /** Pricing a charge (核价), issuing its payment notice, asking a waiver, cancelling an unpaid charge: the lead department's clerks. */
  'fee.assess': [{ role: 'clerk', scope: 'department' }],
  /** Deciding a waiver (减免审批), never by its assessor or requester (the charge table's four eyes). */
  'fee.waiver.decide': [
    { role: 'approver', scope: 'department' },
    { role: 'dept_head', scope: 'department' },
  ],
  /** Asking a refund (退费申请). */
  'fee.refund.request': [{ role: 'clerk', scope: 'department' }],
  /** Deciding a refund, never by its requester; an approved one is sent to the provider. */
  'fee.refund.decide': [
    { role: 'approver', scope: 'department' },
    { role: 'dept_head', scope: 'department' },
  ],
  /** The daily reconciliation with the payment provider (对账) and revenue by item, department and month (收入): the center's finance (财务), its admin, auditors. */
  'fee.finance.read': [
    { role: 'finance', scope: 'center' },
    { role: 'center_admin', scope: 'center' },
    { role: 'auditor', scope: 'center' },
  ],
  /** Reconciling an ended day again, on demand. */
  'fee.reconciliation.run': [{ role: 'finance', scope: 'center' }],
} as const satisfies Record<string, readonly Grant[]>;

export type Action = keyof typeof permissions;

/**
 * The roles each role may give to staff: a department admin staffs the own
 * department's windows and review; center-wide roles come from the center admin.
 */
export const grantableRoles: Readonly<Partial<Record<StaffRole, readonly StaffRole[]>>> = {
  center_admin: ['clerk', 'approver', 'dept_admin', 'dept_head', 'center_admin', 'supervisor', 'auditor', 'finance'],
  dept_admin: ['clerk', 'approver', 'dept_admin'],
};

/** The roles in `wanted` that the caller may not grant. */
export function ungrantable(caller: Caller, wanted: readonly StaffRole[]): StaffRole[] {
  const mayGrant = new Set(caller.roles.flatMap((r) => grantableRoles[r] ?? []));
  return wanted.filter((r) => !mayGrant.has(r));
}

export interface Target {
  readonly centerId: string;
  /** The departments the resource belongs to; none for center-wide resources. */
  readonly departmentIds?: readonly string[];
  /** The staff handling the case the resource is about (`handled` scope); none: nobody has taken it yet. */
  readonly handlerIds?: readonly string[];
}

/** The roles that may take an action, most privileged first (for the actor recorded on events). */
export const rolesFor = (action: Action): readonly StaffRole[] => permissions[action].map((g) => g.role);

function grantsOf(caller: Caller, action: Action): readonly Grant[] {
  return (permissions[action] as readonly Grant[]).filter((g) => caller.roles.includes(g.role));
}

/** Why the caller may not take `action` on `target`, or `undefined` when allowed. */
export function denial(caller: Caller, action: Action, target: Target): Text | undefined {
  if (target.centerId !== caller.centerId) return msg('该资源属于其他中心。', 'The resource belongs to another center.');
  const grants = grantsOf(caller, action);
  if (grants.length === 0) return roleMayNot(action);
  if (grants.some((g) => g.scope === 'center')) return undefined;
  const own = callerDepartments(caller);
  const departments = target.departmentIds ?? [];
  const inOwnDepartment = departments.length > 0 && departments.every((d) => own.includes(d));
  if (inOwnDepartment && grants.some((g) => g.scope === 'department')) return undefined;
  if (inOwnDepartment && handles(caller, target)) return undefined;
  if (inOwnDepartment) return msg(`只能对您经办的办件执行 ${action}。`, `You may take the action ${action} only on cases you handle.`);
  return msg(`只能对本部门的资源执行 ${action}。`, `You may take the action ${action} only on your own department's resources.`);
}

/** The caller handles the case, or nobody does yet. */
const handles = (caller: Caller, target: Target) => !target.handlerIds?.length || target.handlerIds.includes(caller.userId);

const roleMayNot = (action: Action) => msg(`您的角色不能执行 ${action}。`, `Your role may not take the action ${action}.`);

/**
 * The department a caller's listing is confined to: `{}` for the whole center,
 * `{ departmentId }` for one department, plus `handledBy` (the caller) when
 * only the cases the caller handles count; 403 when the caller may not list
 * it. A requested department outside the caller's scope is refused; without
 * one, a caller of several departments lists the primary one.
 */
export function listingScope(caller: Caller, action: Action, requested: string | undefined): { departmentId?: string; handledBy?: string } {
  const grants = grantsOf(caller, action);
  if (grants.length === 0) throw forbidden(roleMayNot(action));
  if (grants.some((g) => g.scope === 'center')) return requested ? { departmentId: requested } : {};
  const own = callerDepartments(caller);
  if (own.length === 0) throw forbidden(msg('您的账号不属于任何部门。', 'Your account has no department.'));
  if (requested && !own.includes(requested)) throw forbidden(msg('只能查看本部门。', 'You may list only your own department.'));
  const departmentId = requested ?? own[0]!;
  if (grants.some((g) => g.scope === 'department')) return { departmentId };
  return { departmentId, handledBy: caller.userId };
}
