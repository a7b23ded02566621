/**
 * The publishing workflow of a service-item version and the rules of its
 * content: pure functions, no I/O. A reader asking "when may an item be
 * approved?" finds one row of `transitions`; who may is in shared/authorization.ts.
 */
import type { ItemContent, ItemStatus } from '#schemas/api/catalog';
import { msg, type Text } from '#schemas/api/problems';
import type { CatalogEventType } from '#schemas/events/catalog';
import type { Caller } from '#shared/auth';
import { denial, type Action } from '#shared/authorization';
import { HttpProblem, forbidden, problem, wrongState, type FieldFault } from '#shared/errors';
import { feeScheduleErrors } from '../fees/public.ts';
import { catalogProblems as p } from './problems.ts';

export type VersionAction = 'submit' | 'approve' | 'reject' | 'publish';
export type ItemAction = VersionAction | 'create' | 'update' | 'newVersion' | 'retire';

interface Transition {
  readonly from: readonly ItemStatus[];
  readonly to: ItemStatus;
  readonly event: CatalogEventType;
  /** Four eyes: the reviewer is never the person who submitted the version. */
  readonly reviewerNotSubmitter?: boolean;
  readonly reasonRequired?: boolean;
}

export const transitions: Readonly<Record<ItemAction, Transition>> = {
  create: { from: [], to: 'draft', event: 'ItemDraftCreated' },
  newVersion: { from: [], to: 'draft', event: 'ItemDraftCreated' },
  update: { from: ['draft', 'rejected'], to: 'draft', event: 'ItemDraftUpdated' },
  submit: { from: ['draft', 'rejected'], to: 'submitted', event: 'ItemSubmitted' },
  approve: { from: ['submitted'], to: 'approved', event: 'ItemApproved', reviewerNotSubmitter: true },
  reject: { from: ['submitted'], to: 'rejected', event: 'ItemRejected', reviewerNotSubmitter: true, reasonRequired: true },
  publish: { from: ['approved'], to: 'published', event: 'ItemPublished' },
  retire: { from: ['published'], to: 'retired', event: 'ItemRetired' },
};

/** What people call the statuses and actions in Chinese (the English messages use the API's names). */
const statusZh: Readonly<Record<ItemStatus, string>> = {
  draft: '草稿', submitted: '已提交', rejected: '已退回', approved: '已审核', published: '已发布', superseded: '已被新版本取代', retired: '已取消',
};
const actionZh: Readonly<Record<ItemAction, string>> = {
  create: '新建', newVersion: '新建版本', update: '修改', submit: '提交', approve: '审核通过', reject: '退回', publish: '发布', retire: '取消',
};

/** Every catalog action needs the right to administer the item's department (functions/shared/authorization.ts). */
export const catalogPermission = 'catalog.item.administer' satisfies Action;

export const mayAdminister = (caller: Caller, target: { centerId: string; departmentId: string }) =>
  denial(caller, catalogPermission, { centerId: target.centerId, departmentIds: [target.departmentId] }) === undefined;

/** Whether `action` may be taken on a version in a given state: the refusal (its problem), or `undefined` when allowed. */
export function refuse(
  action: ItemAction,
  caller: Caller,
  target: { centerId: string; departmentId: string; status?: ItemStatus; submittedBy?: string },
  input: { reason?: string } = {},
): HttpProblem | undefined {
  const t = transitions[action];
  const why = denial(caller, catalogPermission, { centerId: target.centerId, departmentIds: [target.departmentId] });
  if (why) return forbidden(why);
  if (target.status !== undefined && t.from.length > 0 && !t.from.includes(target.status)) {
    return wrongState(msg(
      `${statusZh[target.status]}的版本不能${actionZh[action]}；仅${t.from.map((f) => statusZh[f]).join('或')}的版本可以。`,
      `Cannot ${action} a version that is ${target.status}; allowed from: ${t.from.join(', ')}.`,
    ));
  }
  if (t.reviewerNotSubmitter && target.submittedBy === caller.userId) {
    return problem(p['reviewer-is-submitter'], msg('提交人不能审核自己提交的版本。', 'The reviewer must be someone other than the person who submitted the version.'));
  }
  if (t.reasonRequired && !input.reason?.trim()) {
    return problem(p['rejection-reason-required'], msg('退回时请说明理由。', `Say why in reason to ${action}.`), [
      { path: '/body/reason', code: 'required', message: msg('退回时必填', `is required to ${action}`) },
    ]);
  }
  return undefined;
}

/**
 * Why an administrator's schema cannot be used (`schemaProblem` of
 * shared/admin-schema.ts): passed in, so that Ajv is loaded only by a request
 * whose content has intake fields.
 */
export type SchemaCheck = (schema: object) => Text | undefined;

/** Rules across fields that a JSON Schema cannot say. */
export function contentErrors(content: ItemContent, schemaProblem: SchemaCheck): FieldFault[] {
  const errors: FieldFault[] = [];
  const limits = '/body/content/timeLimits/promisedWorkingDays';
  const { statutoryWorkingDays, promisedWorkingDays } = content.timeLimits;
  if (promisedWorkingDays > statutoryWorkingDays) {
    errors.push({ path: limits, code: 'above_statutory', message: msg('承诺时限不能超过法定时限', 'the promised limit (承诺时限) may not exceed the statutory one (法定时限)') });
  }
  if (content.serviceMode === 'immediate' && promisedWorkingDays !== 0) {
    errors.push({ path: limits, code: 'immediate_limit', message: msg('即办件当场办结，承诺时限应为 0', 'an immediate item (即办件) is decided at the window: its promised limit is 0') });
  }
  if (content.serviceMode !== 'immediate' && promisedWorkingDays === 0) {
    errors.push({ path: limits, code: 'missing_limit', message: msg('只有即办件的承诺时限为 0 个工作日', 'only immediate items (即办件) have a promised limit of 0 working days') });
  }
  const jointPath = '/body/content/jointDepartments';
  const joint = content.jointDepartments ?? [];
  if (content.serviceMode === 'joint' && joint.length === 0) {
    errors.push({ path: jointPath, code: 'required', message: msg('联办件须列明协办部门', 'a joint item (联办件) names its co-departments') });
  }
  if (content.serviceMode !== 'joint' && joint.length > 0) {
    errors.push({ path: jointPath, code: 'not_joint', message: msg('只有联办件才有协办部门', 'only joint items (联办件) have co-departments') });
  }
  if (joint.includes(content.departmentId) || new Set(joint).size !== joint.length) {
    errors.push({ path: jointPath, code: 'duplicate', message: msg('协办部门不能重复，也不能包含牵头部门', 'co-departments are distinct and exclude the lead department') });
  }
  const fieldsProblem = content.intakeFields && schemaProblem(content.intakeFields);
  if (fieldsProblem) errors.push({ path: '/body/content/intakeFields', code: 'invalid_schema', message: fieldsProblem });
  const seen = new Set<string>();
  content.materials.forEach((m, i) => {
    if (seen.has(m.id)) errors.push({ path: `/body/content/materials/${i}/id`, code: 'duplicate', message: msg(`材料编号 ${m.id} 重复`, `material id ${m.id} is used twice`) });
    seen.add(m.id);
  });
  errors.push(...toleranceErrors(content), ...feeScheduleErrors(content));
  return errors;
}

/**
 * 容缺受理: the application form and the main materials are never tolerable; a
 * tolerable material is a required one (an optional one needs no pledge) of an
 * item that offers 容缺, which has at least one.
 */
function toleranceErrors(content: ItemContent): FieldFault[] {
  const errors: FieldFault[] = [];
  content.materials.forEach((m, i) => {
    if (!m.tolerable) return;
    const path = `/body/content/materials/${i}/tolerable`;
    if (m.kind === 'application_form' || m.kind === 'main') {
      errors.push({ path, code: 'never_tolerable', message: msg(`${m.name}是${m.kind === 'main' ? '主要材料' : '申请表'}，不可容缺`, `${m.id} is ${m.kind === 'main' ? 'a main material' : 'the application form'}: never tolerable`) });
    }
    if (!m.required) errors.push({ path, code: 'not_required', message: msg(`${m.name}不是必需材料，无需容缺`, `${m.id} is optional: only a required material is pledged`) });
    if (!content.tolerantAcceptance) errors.push({ path, code: 'tolerance_not_offered', message: msg('本事项未提供容缺受理', 'the item does not offer 容缺受理 (tolerantAcceptance)') });
  });
  if (content.tolerantAcceptance && !content.materials.some((m) => m.tolerable)) {
    errors.push({ path: '/body/content/tolerantAcceptance', code: 'nothing_tolerable', message: msg('提供容缺受理的事项须标明可容缺的材料', 'an item offering 容缺受理 marks which materials are tolerable') });
  }
  return errors;
}

/** 422 when the content breaks a rule across its fields. */
export function checkContent(content: ItemContent, schemaProblem: SchemaCheck): void {
  const errors = contentErrors(content, schemaProblem);
  if (errors.length) throw problem(p['item-content-invalid'], msg('事项内容不符合要求，见 errors。', 'The item content breaks its rules; see errors.'), errors);
}
