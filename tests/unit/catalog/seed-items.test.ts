/**
 * The demo center's seeded service items: every one is a valid create request
 * (the same JSON Schema the API validates with), and together they show what a
 * demo needs — all departments, all case types, sane time limits.
 */
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CreateItemRequest } from '../../../schemas/api/catalog.ts';
import { demoItems } from '../../../local/seed/items.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(CreateItemRequest);

const departments = ['amr', 'housing', 'health'];
const serviceModes = ['immediate', 'promised', 'joint', 'escalated'];
const byCode = new Map(demoItems.map((item) => [item.code, item]));
const named = demoItems.map((item) => [item.code, item] as const);

describe('demo service items', () => {
  it.each(named)('%s is a valid CreateItemRequest', (_code, item) => {
    const valid = validate(item);
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has at least 12 items with unique codes', () => {
    expect(demoItems.length).toBeGreaterThanOrEqual(12);
    expect(byCode.size).toBe(demoItems.length);
  });

  it('covers every department and every service mode', () => {
    expect(new Set(demoItems.map((i) => i.content.departmentId))).toEqual(new Set(departments));
    expect(new Set(demoItems.map((i) => i.content.serviceMode))).toEqual(new Set(serviceModes));
  });

  it.each(named)('%s: promised limit within the statutory one, 0 only for immediate items', (_code, { content }) => {
    const { statutoryWorkingDays, promisedWorkingDays } = content.timeLimits;
    expect(promisedWorkingDays).toBeLessThanOrEqual(statutoryWorkingDays);
    if (content.serviceMode === 'immediate') expect(promisedWorkingDays).toBe(0);
    else expect(promisedWorkingDays).toBeGreaterThanOrEqual(1);
  });

  it.each(named)('%s: material ids are unique within the item', (_code, { content }) => {
    const ids = content.materials.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(named.filter(([, i]) => i.content.parentCode !== undefined))(
    '%s: a variant points to a seeded parent listed before it, of the same department',
    (code, { content }) => {
      const parent = byCode.get(content.parentCode!);
      expect(parent, `parent ${content.parentCode}`).toBeDefined();
      expect(parent!.content.departmentId).toBe(content.departmentId);
      expect(parent!.content.variant).toBe('new');
      expect(content.variant).not.toBe('new');
      expect(demoItems.findIndex((i) => i.code === parent!.code)).toBeLessThan(demoItems.findIndex((i) => i.code === code));
    },
  );

  it('the food business licence and its renewal are valid 5 years; validity is given only where the result is a certificate', () => {
    for (const code of ['370982-AMR-XK-002', '370982-AMR-XK-002-YX']) expect(byCode.get(code)!.content.validityYears).toBe(5);
    for (const item of demoItems.filter((i) => i.content.validityYears !== undefined)) expect(['licence', 'approval_document']).toContain(item.content.resultType);
  });

  it('joint items use the 45-day limit of joint handling (行政许可法 art. 42)', () => {
    const joint = demoItems.filter((i) => i.content.serviceMode === 'joint');
    expect(joint.length).toBeGreaterThan(0);
    for (const item of joint) expect(item.content.timeLimits.statutoryWorkingDays, item.code).toBe(45);
  });

  it('shows a fee with its basis and a special procedure that suspends the clock', () => {
    const fees = demoItems.flatMap((i) => i.content.fees);
    expect(fees.length).toBeGreaterThan(0);
    for (const fee of fees) expect(fee.basis.trim().length).toBeGreaterThan(0);
    const suspending = demoItems.flatMap((i) => i.content.specialProcedures).filter((p) => !p.countsTowardLimit);
    expect(suspending.length).toBeGreaterThan(0);
  });

  it('offers the 12345 hotline for consultation and complaints on every item', () => {
    for (const { code, content } of demoItems) {
      expect(content.consultation.some((c) => c.kind === 'hotline' && c.value.includes('12345')), code).toBe(true);
      expect(content.complaint.some((c) => c.kind === 'hotline' && c.value.includes('12345')), code).toBe(true);
    }
  });
});
