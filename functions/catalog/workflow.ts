/**
 * The publishing workflow of a service-item version and the rules of its
 * content: pure functions, no I/O. A reader asking "who may approve an item,
 * and when?" finds one row of `transitions`.
 */
import type { ItemContent, ItemStatus } from '#schemas/api/catalog';
import type { FieldError } from '#schemas/api/common';
import type { Caller, StaffRole } from '#shared/auth';
import type { CatalogEventType } from '#schemas/events/catalog';

export type VersionAction = 'submit' | 'approve' | 'reject' | 'publish';
export type ItemAction = VersionAction | 'create' | 'update' | 'newVersion' | 'retire';

interface Transition {
  readonly from: readonly ItemStatus[];
  readonly to: ItemStatus;
  readonly roles: readonly StaffRole[];
  readonly event: CatalogEventType;
  /** Four eyes: the reviewer is never the person who submitted the version. */
  readonly reviewerNotSubmitter?: boolean;
  readonly reasonRequired?: boolean;
}

const admins: readonly StaffRole[] = ['dept_admin', 'center_admin'];

export const transitions: Readonly<Record<ItemAction, Transition>> = {
  create: { from: [], to: 'draft', roles: admins, event: 'ItemDraftCreated' },
  newVersion: { from: [], to: 'draft', roles: admins, event: 'ItemDraftCreated' },
  update: { from: ['draft', 'rejected'], to: 'draft', roles: admins, event: 'ItemDraftUpdated' },
  submit: { from: ['draft', 'rejected'], to: 'submitted', roles: admins, event: 'ItemSubmitted' },
  approve: { from: ['submitted'], to: 'approved', roles: admins, event: 'ItemApproved', reviewerNotSubmitter: true },
  reject: { from: ['submitted'], to: 'rejected', roles: admins, event: 'ItemRejected', reviewerNotSubmitter: true, reasonRequired: true },
  publish: { from: ['approved'], to: 'published', roles: admins, event: 'ItemPublished' },
  retire: { from: ['published'], to: 'retired', roles: admins, event: 'ItemRetired' },
};

export type Refusal =
  | { readonly kind: 'forbidden'; readonly detail: string }
  | { readonly kind: 'conflict'; readonly detail: string }
  | { readonly kind: 'invalid'; readonly errors: readonly FieldError[] };

/**
 * Who administers a department's items: its own dept_admin, or a center_admin
 * of the same center (the center is fixed by the key the caller can reach).
 */
export function mayAdminister(caller: Caller, departmentId: string): boolean {
  if (caller.roles.includes('center_admin')) return true;
  return caller.roles.includes('dept_admin') && caller.departmentId === departmentId;
}

/**
 * Which department's items an administrator may list: a center_admin any (or
 * all, `undefined`), a dept_admin only the own one.
 */
export function listingScope(caller: Caller, requested: string | undefined): { departmentId?: string } | Refusal {
  if (caller.roles.includes('center_admin')) return requested ? { departmentId: requested } : {};
  if (!caller.roles.includes('dept_admin') || !caller.departmentId) {
    return { kind: 'forbidden', detail: 'Only administrators list items under review.' };
  }
  if (requested && requested !== caller.departmentId) {
    return { kind: 'forbidden', detail: 'A department administrator lists only the own department\'s items.' };
  }
  return { departmentId: caller.departmentId };
}

/** Checks one action on a version in a given state; `undefined` means allowed. */
export function refuse(
  action: ItemAction,
  caller: Caller,
  target: { departmentId: string; status?: ItemStatus; submittedBy?: string },
  input: { reason?: string } = {},
): Refusal | undefined {
  const t = transitions[action];
  if (!t.roles.some((r) => caller.roles.includes(r)) || !mayAdminister(caller, target.departmentId)) {
    return { kind: 'forbidden', detail: `You may not ${action} items of department ${target.departmentId}.` };
  }
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
  const seen = new Set<string>();
  content.materials.forEach((m, i) => {
    if (seen.has(m.id)) errors.push({ path: `/body/content/materials/${i}/id`, code: 'duplicate', message: `material id ${m.id} is used twice` });
    seen.add(m.id);
  });
  return errors;
}
