import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '#shared/calendar';
import { decide, type CaseRecord } from '../../../functions/cases/lifecycle.ts';
import { defaultCaseSettings } from '../../../functions/cases/settings.ts';
import { act, cal, clerk, CONSTRUCTION, ENTERPRISE, intake, owner, provided, refusal, refusalOf, T } from './case-fixtures.ts';

/**
 * The rules of a received application with materials missing (acceptance-rules.ts):
 * 容缺受理 and the one-time notice, then the supplement's timeout. The enterprise
 * item: application form, articles (main), investor-id and premises (tolerable),
 * officer-appointment (required), pre-approval and power-of-attorney (optional);
 * promised 1 working day, pledge 1 working day.
 */
const window = (at: string) => ({ channel: 'window' as const, at });
const pledge = (at: string, ...ids: string[]) => ({ consent: window(at), missing: ids.map((materialId) => ({ materialId, detail: '一个工作日内补交' })) });
const ACCEPT_AT = T('03-03', '10:00'); // Tue: promised and pledged by Wed 03-04
const SIGNED = T('03-03', '09:50');

describe('容缺受理: what may be pledged, and by when', () => {
  const c = intake(ENTERPRISE, { missing: ['premises', 'investor-id', 'pre-approval'] });
  const tryPledge = (record: CaseRecord, body: Record<string, unknown>, now = ACCEPT_AT, settings = defaultCaseSettings) => () => act(record, 'acceptWithTolerance', body, now, clerk(record), settings);

  it('the issue\'s case: the application form and a main material missing are never pledged (material-not-tolerable), naming each', () => {
    const bare = intake(ENTERPRISE, { missing: ['application-form', 'articles-of-association', 'premises'] });
    expect(refusalOf(tryPledge(bare, pledge(SIGNED, 'application-form', 'articles-of-association', 'premises')))).toEqual({
      type: 'material-not-tolerable',
      detail: 'Only materials the item marks tolerable may be pledged, never the application form or a main material: application-form, articles-of-association.',
      errors: ['/body/missing not_tolerable', '/body/missing not_tolerable'],
    });
    expect(bare.materials.filter((m) => m.tolerable).map((m) => m.materialId)).toEqual(['investor-id', 'premises']);
  });

  it('every missing required material is handed in or pledged (pledge-incomplete), naming the ones left out', () => {
    expect(refusalOf(tryPledge(c, pledge(SIGNED, 'premises')))).toEqual({
      type: 'pledge-incomplete', detail: 'Every missing required material is handed in or pledged; not pledged: investor-id.', errors: ['/body/missing incomplete'],
    });
    // An optional material missing needs no pledge, and is not tolerable either.
    expect(refusalOf(tryPledge(c, pledge(SIGNED, 'premises', 'investor-id', 'pre-approval'))).type).toBe('material-not-tolerable');
  });

  it('only missing materials of the checklist, each once, with a consent neither in the future nor before receipt (pledge-invalid); every fault listed', () => {
    expect(refusalOf(tryPledge(c, pledge(SIGNED, 'premises', 'investor-id', 'application-form')))).toMatchObject({ type: 'pledge-invalid', errors: ['/body/missing provided'] });
    expect(refusal(tryPledge(c, pledge(SIGNED, 'premises', 'investor-id', 'business-plan', 'premises')))).toEqual(['/body/missing/2/materialId not_on_checklist', '/body/missing/3/materialId duplicate']);
    expect(refusal(tryPledge(c, pledge(T('03-03', '10:01'), 'premises', 'investor-id')))).toEqual(['/body/consent/at out_of_range']);
    expect(refusal(tryPledge(c, pledge(T('03-01'), 'premises', 'investor-id')))).toEqual(['/body/consent/at out_of_range']);
    // Faults of several rules: the first rule speaks, every fault is listed.
    expect(refusalOf(tryPledge(c, pledge(T('03-04'), 'premises', 'application-form')))).toMatchObject({
      type: 'pledge-invalid', errors: ['/body/missing provided', '/body/consent/at out_of_range', '/body/missing incomplete'],
    });
  });

  it('accepted: the pledged materials marked, the consent recorded, the deadline within the promised date', () => {
    const { next, details } = act(c, 'acceptWithTolerance', pledge(SIGNED, 'premises', 'investor-id'), ACCEPT_AT, clerk(c));
    expect(next.tolerance).toEqual({ missing: pledge(SIGNED, 'premises', 'investor-id').missing, due: '2026-03-04', consent: window(SIGNED) });
    expect(next.deadlines.promisedDue).toBe('2026-03-04');
    expect(details).toMatchObject({ toleranceDue: '2026-03-04', acceptanceDate: '2026-03-03' });
    expect(next.materials.filter((m) => m.status !== 'provided').map((m) => [m.materialId, m.status])).toEqual([['investor-id', 'pledged'], ['premises', 'pledged'], ['pre-approval', 'missing']]);
  });

  it('a pledge running past the promised date is refused (409), unless the center allows it', () => {
    const longer: CaseRecord = { ...c, toleranceWorkingDays: 3 }; // Fri 03-06 > Wed 03-04
    expect(refusalOf(tryPledge(longer, pledge(SIGNED, 'premises', 'investor-id')))).toEqual({
      type: 'pledge-past-promised-limit',
      detail: 'The pledge deadline 2026-03-06 falls after the promised decision date 2026-03-04; the center does not allow a pledge past the promised limit.',
      errors: ['/body/missing past_promised_limit'],
    });
    const allowed = tryPledge(longer, pledge(SIGNED, 'premises', 'investor-id'), ACCEPT_AT, { ...defaultCaseSettings, pledgeMayPassPromisedLimit: true })();
    expect(allowed.next.tolerance!.due).toBe('2026-03-06');
  });

  // Found by an earlier test: the pledge deadline was counted from the acceptance instant (the receipt, after the
  // notice period), so a pledge signed Tue 03-10 was due 03-05 and the sweeper could end the case at once.
  it('after the notice period the clock counts from receipt, so the promised date has passed: refused, or counted from the signing where allowed', () => {
    const late = T('03-10', '10:00');
    expect(refusalOf(tryPledge(c, pledge(T('03-10', '09:00'), 'premises', 'investor-id'), late)).type).toBe('pledge-past-promised-limit');
    const { next } = tryPledge(c, pledge(T('03-10', '09:00'), 'premises', 'investor-id'), late, { ...defaultCaseSettings, pledgeMayPassPromisedLimit: true })();
    expect(next.tolerance!.due).toBe('2026-03-11');
    expect(decide('terminateTolerance', next, { today: '2026-03-10' }).ok).toBe(false);
  });
});

describe('the one-time notice (一次性告知): nothing left out, and never stuck after the supplement', () => {
  const c = intake(ENTERPRISE, { missing: ['premises', 'investor-id'] });
  const item = (materialId: string, problem: 'missing' | 'incorrect' = 'missing') => ({ materialId, problem, detail: `${materialId} 需补正` });
  const NOTICE_AT = T('03-03', '10:00');
  const notice = (...items: ReturnType<typeof item>[]) => ({ items });
  const complete = notice(item('premises'), item('investor-id'));
  const noticed = act(c, 'requestSupplement', complete, NOTICE_AT, clerk(c)).next;
  const handIn = (record: CaseRecord, ids: string[], at = T('03-05', '14:00')) => act(record, 'supplement', { materials: provided(ENTERPRISE).filter((m) => ids.includes(m.materialId)) }, at, owner).next;

  // The issue: a notice omitting investor-id was given; after the supplement, accept answered 409 and a second
  // notice naming investor-id was refused (not in the first notice), until the applicant guessed to hand it in.
  it('a notice that leaves out a required material the checklist shows missing is refused (notice-incomplete), naming it', () => {
    expect(refusalOf(() => act(c, 'requestSupplement', notice(item('premises')), NOTICE_AT, clerk(c)))).toEqual({
      type: 'notice-incomplete', detail: 'The one-time notice names every required material missing or incorrect; it leaves out investor-id.', errors: ['/body/items omitted'],
    });
    expect(refusalOf(() => act(c, 'requestSupplement', notice(item('premises'), item('bank-statement')), NOTICE_AT, clerk(c)))).toMatchObject({
      type: 'application-invalid', errors: ['/body/items/1/materialId not_on_checklist', '/body/items omitted'],
    });
  });

  it('a complete notice may also name a handed-in material as incorrect; it carries its last day (30 working days, the center\'s default)', () => {
    const wider = act(c, 'requestSupplement', notice(item('premises'), item('investor-id'), item('officer-appointment', 'incorrect')), NOTICE_AT, clerk(c)).next;
    expect(wider.materials.find((m) => m.materialId === 'officer-appointment')).toMatchObject({ status: 'incorrect', problem: 'officer-appointment 需补正' });
    expect(noticed).toMatchObject({ state: 'supplement_requested', supplementNotice: { issuedAt: NOTICE_AT, items: complete.items, due: addWorkingDays(cal, '2026-03-03', 30) } });
    expect(noticed.supplementNotice!.due).toBe('2026-04-15'); // 04-06 清明 skipped
    expect(noticed.clock.startedAt).toBeUndefined();
  });

  it('the item\'s own days to supplement come before the center\'s', () => {
    const own: CaseRecord = { ...c, supplementWorkingDays: 10 };
    expect(act(own, 'requestSupplement', complete, NOTICE_AT, clerk(own)).next.supplementNotice!.due).toBe('2026-03-17');
    expect(act(c, 'requestSupplement', complete, NOTICE_AT, clerk(c), { ...defaultCaseSettings, supplementWorkingDays: 5 }).next.supplementNotice!.due).toBe('2026-03-10');
  });

  it('after the supplement the case can be accepted: what it handed in is recorded', () => {
    expect(refusalOf(() => handIn(noticed, ['premises'])).type).toBe('supplement-incomplete');
    const again = handIn(noticed, ['premises', 'investor-id']);
    expect(again).toMatchObject({ state: 'submitted', supplied: ['investor-id', 'premises'] });
    expect(decide('accept', again, { caller: clerk(again), today: '2026-03-05' })).toMatchObject({ ok: true });
  });

  it('a later notice names only defects of what the supplement handed in (not-in-one-time-notice)', () => {
    const again = handIn(noticed, ['premises', 'investor-id']);
    expect(refusalOf(() => act(again, 'requestSupplement', notice(item('investor-id', 'incorrect'), item('officer-appointment', 'incorrect')), T('03-06'), clerk(again)))).toEqual({
      type: 'not-in-one-time-notice', detail: 'After the one-time notice, a later notice names only defects of the materials the supplement handed in.', errors: ['/body/items/1/materialId not_in_supplement'],
    });
    const second = act(again, 'requestSupplement', notice(item('investor-id', 'incorrect')), T('03-06'), clerk(again)).next;
    expect(second.supplementNotice).toMatchObject({ issuedAt: T('03-06'), items: [item('investor-id', 'incorrect')], due: addWorkingDays(cal, '2026-03-06', 30) });
    expect(second.supplied).toBeUndefined();
    expect(second.materials.find((m) => m.materialId === 'investor-id')).toMatchObject({ status: 'incorrect' });
  });

  it('a case stuck by a notice given before this rule: the later notice must name the material still missing, and then it moves on', () => {
    const stuck: CaseRecord = handIn({ ...noticed, supplementNotice: { issuedAt: NOTICE_AT, items: [item('premises')] } }, ['premises']);
    expect(decide('accept', stuck, { caller: clerk(stuck), today: '2026-03-05' })).toMatchObject({ ok: false, refusal: { problem: { slug: 'materials-missing' } } });
    expect(refusalOf(() => act(stuck, 'requestSupplement', notice(item('premises', 'incorrect')), T('03-06'), clerk(stuck))).type).toBe('notice-incomplete');
    const asked = act(stuck, 'requestSupplement', notice(item('investor-id')), T('03-06'), clerk(stuck)).next;
    const complete = handIn(asked, ['investor-id'], T('03-09'));
    expect(decide('accept', complete, { caller: clerk(complete), today: '2026-03-09' })).toMatchObject({ ok: true });
  });
});

describe('the supplement timeout (补正逾期)', () => {
  const c = intake(CONSTRUCTION, { missing: ['planning-permit'] });
  const noticed = act(c, 'requestSupplement', { items: [{ materialId: 'planning-permit', problem: 'missing', detail: '规划许可证' }] }, T('03-03'), clerk(c), { ...defaultCaseSettings, supplementWorkingDays: 5 }).next;

  it('the day after the last day the system closes the case as supplement timed out; not on the last day', () => {
    expect(noticed.supplementNotice!.due).toBe('2026-03-10');
    expect(decide('timeOutSupplement', noticed, { today: '2026-03-10' }).ok).toBe(false);
    const { next, details } = act(noticed, 'timeOutSupplement', {}, T('03-11', '00:05'));
    expect(next).toMatchObject({ state: 'terminated', endedAt: T('03-11', '00:05'), termination: { reason: 'supplement_timed_out' }, deadlines: {} });
    expect(details).toEqual({ reason: 'supplement_timed_out', supplementDue: '2026-03-10' });
  });

  it('a pledge not kept ends the case with its own reason', () => {
    const e = intake(ENTERPRISE, { missing: ['premises'] });
    const accepted = act(e, 'acceptWithTolerance', pledge(SIGNED, 'premises'), ACCEPT_AT, clerk(e)).next;
    expect(act(accepted, 'terminateTolerance', {}, T('03-05', '00:05')).next).toMatchObject({ state: 'terminated', termination: { reason: 'pledge_not_kept' } });
  });
});
