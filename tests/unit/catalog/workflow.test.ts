import { describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth';
import type { ItemStatus } from '#schemas/api/catalog';
import { problemUri } from '#schemas/api/problems';
import { schemaProblem } from '#shared/admin-schema';
import { checkContent, contentErrors, refuse, transitions, type ItemAction } from '../../../functions/catalog/workflow.ts';
import { demoItems } from '../../../local/seed/items.ts';

const who = (roles: Caller['roles'], departmentId?: string, userId = 'u-1'): Caller => ({
  userId, username: userId, roles, centerId: 'c', ...(departmentId ? { departmentId } : {}),
});

const deptAdmin = who(['dept_admin'], 'amr');
const otherDeptAdmin = who(['dept_admin'], 'housing');
const centerAdmin = who(['center_admin'], undefined, 'u-2');
const nonAdmins = [who(['clerk'], 'amr'), who(['approver'], 'amr'), who(['applicant']), who(['supervisor']), who(['auditor'])];

const typeOf = (slug: string) => problemUri(slug);

const statuses: ItemStatus[] = ['draft', 'submitted', 'rejected', 'approved', 'published', 'superseded', 'retired'];
const stateActions: ItemAction[] = ['update', 'submit', 'approve', 'reject', 'publish', 'retire'];

describe('publishing workflow: every action from every status', () => {
  const cases = stateActions.flatMap((action) => statuses.map((status) => ({ action, status })));
  it.each(cases)('$action from $status', ({ action, status }) => {
    const refusal = refuse(action, centerAdmin, { centerId: 'c', departmentId: 'amr', status, submittedBy: 'u-1' }, { reason: 'r' });
    const allowed = transitions[action].from.includes(status);
    expect(refusal === undefined).toBe(allowed);
    if (!allowed) expect(refusal).toMatchObject({ status: 409, type: typeOf('wrong-state') });
  });

  it('leads draft → submitted → approved → published, and rejected back to editable', () => {
    expect(transitions.submit.to).toBe('submitted');
    expect(transitions.approve.to).toBe('approved');
    expect(transitions.publish.to).toBe('published');
    expect(transitions.reject.to).toBe('rejected');
    expect(transitions.update.from).toEqual(['draft', 'rejected']);
    expect(transitions.update.from).not.toContain('published');
  });
});

describe('who may act', () => {
  const actions: ItemAction[] = ['create', 'update', 'submit', 'approve', 'reject', 'publish', 'retire', 'newVersion'];
  it.each(actions)('%s: own dept_admin and center_admin yes; other department and non-admins no', (action) => {
    const target = { centerId: 'c', departmentId: 'amr' };
    expect(refuse(action, deptAdmin, target, { reason: 'x' })).toBeUndefined();
    expect(refuse(action, centerAdmin, target, { reason: 'x' })).toBeUndefined();
    expect(refuse(action, otherDeptAdmin, target, { reason: 'x' })?.type).toBe(typeOf('forbidden'));
    for (const c of nonAdmins) expect(refuse(action, c, target, { reason: 'x' })?.type).toBe(typeOf('forbidden'));
    expect(refuse(action, centerAdmin, { ...target, centerId: 'other' }, { reason: 'x' })?.type).toBe(typeOf('forbidden'));
    expect(refuse(action, who(['dept_admin']), target, { reason: 'x' })?.type).toBe(typeOf('forbidden'));
  });

  it('four eyes: the submitter may not approve or reject their own submission', () => {
    const target = { centerId: 'c', departmentId: 'amr', status: 'submitted' as const, submittedBy: deptAdmin.userId };
    expect(refuse('approve', deptAdmin, target)).toMatchObject({ status: 403, type: typeOf('reviewer-is-submitter') });
    expect(refuse('reject', deptAdmin, target, { reason: 'x' })).toMatchObject({ status: 403, type: typeOf('reviewer-is-submitter') });
    expect(refuse('approve', centerAdmin, target)).toBeUndefined();
  });

  it('a rejection needs a reason', () => {
    const target = { centerId: 'c', departmentId: 'amr', status: 'submitted' as const, submittedBy: 'someone-else' };
    const reasonRequired = { status: 422, type: typeOf('rejection-reason-required'), errors: [expect.objectContaining({ path: '/body/reason', code: 'required' })] };
    expect(refuse('reject', centerAdmin, target, {})).toMatchObject(reasonRequired);
    expect(refuse('reject', centerAdmin, target, { reason: '  ' })).toMatchObject(reasonRequired);
    expect(refuse('reject', centerAdmin, target, { reason: '材料清单不完整' })).toBeUndefined();
  });
});

describe('content rules', () => {
  const base = demoItems.find((i) => i.content.serviceMode === 'promised' && !i.content.tolerantAcceptance)!.content;

  it('accepts the seeded items', () => {
    for (const item of demoItems) expect(contentErrors(item.content, schemaProblem), item.code).toEqual([]);
  });

  it('refuses a promised limit above the statutory one', () => {
    const errors = contentErrors({ ...base, timeLimits: { statutoryWorkingDays: 5, promisedWorkingDays: 6 } }, schemaProblem);
    expect(errors).toEqual([expect.objectContaining({ path: '/body/content/timeLimits/promisedWorkingDays', code: 'above_statutory' })]);
  });

  it('an immediate item has a promised limit of 0, and only it', () => {
    expect(contentErrors({ ...base, serviceMode: 'immediate', timeLimits: { statutoryWorkingDays: 20, promisedWorkingDays: 1 } }, schemaProblem)[0]?.code).toBe('immediate_limit');
    expect(contentErrors({ ...base, serviceMode: 'immediate', timeLimits: { statutoryWorkingDays: 20, promisedWorkingDays: 0 } }, schemaProblem)).toEqual([]);
    expect(contentErrors({ ...base, serviceMode: 'promised', timeLimits: { statutoryWorkingDays: 20, promisedWorkingDays: 0 } }, schemaProblem)[0]?.code).toBe('missing_limit');
  });

  it('checks the fee schedule a version is written with (the fees domain\'s rules): every fee named by a distinct feeId', () => {
    const fee = { feeId: 'copy', name: '工本费', kind: 'fixed' as const, amountFen: 1000, currency: 'CNY' as const, unit: '每证', basis: '鲁价费发〔2019〕1号' };
    expect(contentErrors({ ...base, fees: [fee], paymentStage: 'before_delivery' }, schemaProblem)).toEqual([]);
    const { feeId: _, ...unnamed } = fee;
    expect(contentErrors({ ...base, fees: [fee, fee, unnamed], paymentStage: 'before_delivery' }, schemaProblem).map((e) => `${e.path} ${e.code}`)).toEqual([
      '/body/content/fees/1/feeId duplicate', '/body/content/fees/2/feeId required',
    ]);
  });

  it('refuses duplicate material ids', () => {
    const m = base.materials[0]!;
    const errors = contentErrors({ ...base, materials: [m, { ...m, name: '另一份' }] }, schemaProblem);
    expect(errors).toEqual([expect.objectContaining({ path: '/body/content/materials/1/id', code: 'duplicate' })]);
  });

  it('容缺: never the application form or a main material; only a required one, of an item that offers 容缺 and marks one', () => {
    const [form, second] = base.materials;
    const tolerant = { ...base, tolerantAcceptance: { toleranceWorkingDays: 2 } };
    const supporting = { ...second!, kind: 'supporting' as const, required: true, tolerable: true };
    expect(contentErrors({ ...tolerant, materials: [form!, supporting] }, schemaProblem)).toEqual([]);
    expect(contentErrors({ ...tolerant, materials: [{ ...form!, kind: 'application_form', tolerable: true }, { ...supporting, kind: 'main' }] }, schemaProblem).map((e) => `${e.path} ${e.code}`)).toEqual([
      '/body/content/materials/0/tolerable never_tolerable', '/body/content/materials/1/tolerable never_tolerable',
    ]);
    expect(contentErrors({ ...tolerant, materials: [form!, { ...supporting, required: false }] }, schemaProblem).map((e) => e.code)).toEqual(['not_required']);
    expect(contentErrors({ ...base, materials: [form!, supporting] }, schemaProblem).map((e) => e.code)).toEqual(['tolerance_not_offered']);
    expect(contentErrors({ ...tolerant, materials: [form!, second!] }, schemaProblem)).toEqual([expect.objectContaining({ path: '/body/content/tolerantAcceptance', code: 'nothing_tolerable' })]);
    expect(contentErrors({ ...tolerant, materials: [{ ...form!, kind: 'application_form', tolerable: true }, supporting] }, schemaProblem)[0]!.message.en).toBe('application-form is the application form: never tolerable');
  });

  it('refuses intake fields that are no usable JSON Schema, saying why in both languages', () => {
    const errors = contentErrors({ ...base, intakeFields: { type: 'object', properties: { companyName: { type: 'text' } } } }, schemaProblem);
    expect(errors).toEqual([expect.objectContaining({ path: '/body/content/intakeFields', code: 'invalid_schema' })]);
    expect(errors[0]!.message.zh).toMatch(/JSON Schema/);
    expect(errors[0]!.message.en).toMatch(/JSON Schema/);
  });

  it('answers a broken rule as item-content-invalid (422) with every field at fault', () => {
    const content = { ...base, timeLimits: { statutoryWorkingDays: 5, promisedWorkingDays: 6 } };
    expect(() => checkContent(content, schemaProblem)).toThrow(expect.objectContaining({ status: 422, type: typeOf('item-content-invalid'), errors: contentErrors(content, schemaProblem) }));
    expect(() => checkContent(base, schemaProblem)).not.toThrow();
  });
});
