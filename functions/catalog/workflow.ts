/**
 * The publishing workflow of a service-item version and the rules of its
 * content: pure functions, no I/O. A reader asking "when may an item be
 * approved?" finds one row of `transitions`; who may is in shared/authorization.ts.
 */
import { schemaProblem } from '#shared/validate';
import type { ItemContent, ItemStatus } from '#schemas/api/catalog';
import type { FieldError } from '#schemas/api/common';
import type { Caller } from '#shared/auth';
import { denial, type Action } from '#shared/authorization';
import type { CatalogEventType } from '#schemas/events/catalog';

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

export type Refusal =
  | { readonly kind: 'forbidden'; readonly detail: string }
  | { readonly kind: 'conflict'; readonly detail: string }
  | { readonly kind: 'invalid'; readonly errors: readonly FieldError[] };

/** Every catalog action needs the right to administer the item's department (functions/shared/authorization.ts). */
export const catalogPermission = 'catalog.item.administer' satisfies Action;

export const mayAdminister = (caller: Caller, target: { centerId: string; departmentId: string }) =>
  denial(caller, catalogPermission, { centerId: target.centerId, departmentIds: [target.departmentId] }) === undefined;

/** Checks one action on a version in a given state; `undefined` means allowed. */
export function refuse(
  action: ItemAction,
  caller: Caller,
  target: { centerId: string; departmentId: string; status?: ItemStatus; submittedBy?: string },
  input: { reason?: string } = {},
): Refusal | undefined {
  const t = transitions[action];
  const why = denial(caller, catalogPermission, { centerId: target.centerId, departmentIds: [target.departmentId] });
  if (why) return { kind: 'forbidden', detail: why };
  if (target.status !== undefined && t.from.length > 0 && !t.from.includes(target.status)) {
    return { kind: 'conflict', detail: `Cannot ${action} a version that is ${target.status}; allowed from: ${t.from.join(', ')}.` };
  }
  if (t.reviewerNotSubmitter && target.submittedBy === caller.userId) {
    return { kind: 'forbidden', detail: 'The reviewer must be someone other than the person who submitted the version.' };
  }
  if (t.reasonRequired && !input.reason?.trim()) {
    return { kind: 'invalid', errors: [{ path: '/body/reason', code: 'required', message: `is required to ${action}` }] };
  }
  return undefined;
}

/** Rules across fields that a JSON Schema cannot say. */
export function contentErrors(content: ItemContent): FieldError[] {
  const errors: FieldError[] = [];
  const { statutoryWorkingDays, promisedWorkingDays } = content.timeLimits;
  if (promisedWorkingDays > statutoryWorkingDays) {
    errors.push({
      path: '/body/content/timeLimits/promisedWorkingDays',
      code: 'above_statutory',
      message: 'the promised limit (承诺时限) may not exceed the statutory one (法定时限)',
    });
  }
  if (content.serviceMode === 'immediate' && promisedWorkingDays !== 0) {
    errors.push({
      path: '/body/content/timeLimits/promisedWorkingDays',
      code: 'immediate_limit',
      message: 'an immediate item (即办件) is decided at the window: its promised limit is 0',
    });
  }
  if (content.serviceMode !== 'immediate' && promisedWorkingDays === 0) {
    errors.push({
      path: '/body/content/timeLimits/promisedWorkingDays',
      code: 'missing_limit',
      message: 'only immediate items (即办件) have a promised limit of 0 working days',
    });
  }
  const joint = content.jointDepartments ?? [];
  if (content.serviceMode === 'joint' && joint.length === 0) {
    errors.push({ path: '/body/content/jointDepartments', code: 'required', message: 'a joint item (联办件) names its co-departments' });
  }
  if (content.serviceMode !== 'joint' && joint.length > 0) {
    errors.push({ path: '/body/content/jointDepartments', code: 'not_joint', message: 'only joint items (联办件) have co-departments' });
  }
  if (joint.includes(content.departmentId) || new Set(joint).size !== joint.length) {
    errors.push({ path: '/body/content/jointDepartments', code: 'duplicate', message: 'co-departments are distinct and exclude the lead department' });
  }
  const fieldsProblem = content.intakeFields && schemaProblem(content.intakeFields);
  if (fieldsProblem) errors.push({ path: '/body/content/intakeFields', code: 'invalid_schema', message: fieldsProblem });
  const seen = new Set<string>();
  content.materials.forEach((m, i) => {
    if (seen.has(m.id)) errors.push({ path: `/body/content/materials/${i}/id`, code: 'duplicate', message: `material id ${m.id} is used twice` });
    seen.add(m.id);
  });
  return errors;
}
