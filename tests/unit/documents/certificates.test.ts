import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { certificateActions, certificateStatuses, type CertificateAction, type CertificateStatus } from '#schemas/api/documents';
import { problemUri } from '#schemas/api/problems';
import { DEFAULT_RENEWAL_APPLY_DAYS, RENEWAL_REMINDER_LEAD_DAYS, certificateTransitions, publicHolder, renewalApplyBy, renewalReminderAt, statusOn, transition, validUntilOf } from '../../../functions/documents/certificates.ts';
import type { StoredCertificate } from '../../../functions/documents/certificate-store.ts';
import { certificateCheckView, certificateRecordView, licenceEntryView } from '../../../functions/documents/views.ts';

const TODAY = '2026-12-04';

/** A certificate that is in `state` on TODAY: expired is a valid one past its last day. */
function certificateIn(state: CertificateStatus): StoredCertificate {
  const base: StoredCertificate = {
    certificateNo: 'C20261204000001ABCDEF7', centerId: 'center-demo', caseNo: '20261204-000001', status: 'valid', itemCode: '11330100MB0000000A-FOOD',
    itemName: '食品经营许可', departmentId: 'amr', departmentName: '市场监督管理局', centerName: '示范中心', holder: '张*三', issuedOn: '2021-12-04',
    validUntil: '2026-12-03', sha256: 'a'.repeat(64), objectKey: 'documents/x.pdf', rev: 1,
  };
  if (state === 'expired') return base;
  if (state === 'valid') return { ...base, validUntil: '2031-12-03' };
  return { ...base, status: state, statusOn: '2026-06-01', validUntil: '2031-12-03', rev: 2, ...(state === 'superseded' ? { supersededBy: 'C20260601000002UVWXYZ3' } : { ended: { reason: '以欺骗手段取得', legalBasis: '《行政许可法》第六十九条第二款', by: 'approver-1', at: '2026-06-01T02:00:00.000Z' } }) };
}

const outcome = (state: CertificateStatus, action: CertificateAction) => {
  try {
    return transition(certificateIn(state), action, TODAY);
  } catch (err) {
    const e = err as { status: number; type: string; detail?: { en: string } };
    return `${e.status} ${e.type.split('/').pop()}`;
  }
};

describe('the certificate state machine', () => {
  /** Every state × every action: the next state, or the refusal's status and problem type. */
  const matrix: Record<CertificateStatus, Record<CertificateAction, string>> = {
    valid: { revoke: 'revoked', cancel: 'cancelled', supersede: 'superseded' },
    expired: { revoke: '409 certificate-expired', cancel: 'cancelled', supersede: '409 certificate-expired' },
    revoked: { revoke: '409 certificate-not-valid', cancel: '409 certificate-not-valid', supersede: '409 certificate-not-valid' },
    cancelled: { revoke: '409 certificate-not-valid', cancel: '409 certificate-not-valid', supersede: '409 certificate-not-valid' },
    superseded: { revoke: '409 certificate-not-valid', cancel: '409 certificate-not-valid', supersede: '409 certificate-not-valid' },
  };

  it('covers every state and action', () => {
    expect(Object.keys(matrix).sort()).toEqual([...certificateStatuses].sort());
    for (const row of Object.values(matrix)) expect(Object.keys(row).sort()).toEqual([...certificateActions].sort());
    expect(Object.keys(certificateTransitions).sort()).toEqual([...certificateActions].sort());
  });

  for (const state of certificateStatuses) {
    for (const action of certificateActions) {
      it(`${state} × ${action} → ${matrix[state][action]}`, () => {
        expect(outcome(state, action)).toBe(matrix[state][action]);
      });
    }
  }

  it('names the current state and its day in the refusal', () => {
    try {
      transition(certificateIn('revoked'), 'revoke', TODAY);
      expect.unreachable();
    } catch (err) {
      const e = err as { type: string; detail: { zh: string; en: string } } & Record<string, unknown>;
      expect(e.type).toBe(problemUri('certificate-not-valid'));
      expect(JSON.stringify(e)).toContain('revoked on 2026-06-01');
      expect(JSON.stringify(e)).toContain('已撤销（2026-06-01）');
    }
  });

  it('expires the day after validUntil, by the date alone; without validUntil never', () => {
    const c = { status: 'valid' as const, validUntil: '2031-02-28' };
    expect(statusOn(c, '2031-02-28')).toBe('valid');
    expect(statusOn(c, '2031-03-01')).toBe('expired');
    expect(statusOn({ status: 'valid' }, '2999-12-31')).toBe('valid');
    expect(statusOn({ status: 'revoked', validUntil: '2020-01-01' }, TODAY)).toBe('revoked');
  });
});

describe('validity', () => {
  it('ends the day before the same day of the last year', () => {
    expect(validUntilOf('2026-03-01', 5)).toBe('2031-02-28');
    expect(validUntilOf('2026-12-04', 5)).toBe('2031-12-03');
    expect(validUntilOf('2026-01-01', 1)).toBe('2026-12-31');
    expect(validUntilOf('2027-03-01', 1)).toBe('2028-02-29');
    expect(validUntilOf('2026-12-04', undefined)).toBeUndefined();
  });

  it('from a leap day: the 28th in a common year, the 28th in a leap year too (29 February less one day)', () => {
    expect(validUntilOf('2024-02-29', 1)).toBe('2025-02-28');
    expect(validUntilOf('2024-02-29', 4)).toBe('2028-02-28');
    expect(validUntilOf('2024-02-28', 4)).toBe('2028-02-27');
  });

  it('is always after the issue day, before the same day `years` later, and ≥ 365·years − 1 days on', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.integer({ min: 1, max: 50 }), (d, years) => {
      const issuedOn = d.toISOString().slice(0, 10);
      const until = validUntilOf(issuedOn, years)!;
      const days = (Date.parse(until) - Date.parse(issuedOn)) / 86_400_000;
      expect(until > issuedOn).toBe(true);
      expect(days).toBeGreaterThanOrEqual(365 * years - 1);
      expect(days).toBeLessThanOrEqual(366 * years);
      // The next day is the same month and day `years` on (or 1 March for 29 February).
      const next = new Date(Date.parse(until) + 86_400_000).toISOString().slice(5, 10);
      expect(next === issuedOn.slice(5) || (issuedOn.slice(5) === '02-29' && next === '03-01')).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe('the public check', () => {
  for (const state of certificateStatuses) {
    it(`answers ${state}, with its dates, and nothing about why or by whom`, () => {
      const c = certificateIn(state);
      const shown = certificateCheckView(c, TODAY);
      expect(shown.status).toBe(state);
      expect(shown.validUntil).toBe(c.validUntil);
      expect(shown.statusOn).toBe(c.statusOn);
      expect(shown.supersededBy).toBe(c.supersededBy);
      expect(shown.holder).toBe('张*三');
      expect(Object.keys(shown)).not.toContain('ended');
      expect(Object.keys(shown)).not.toContain('caseNo');
      expect(JSON.stringify(shown)).not.toContain('approver-1');
      expect(JSON.stringify(shown)).not.toContain('欺骗');
    });
  }

  it('gives staff the reason, the provision and the revision as ETag', () => {
    const shown = certificateRecordView(certificateIn('revoked'), TODAY);
    expect(shown).toMatchObject({ status: 'revoked', caseNo: '20261204-000001', etag: '2', ended: { legalBasis: '《行政许可法》第六十九条第二款', by: 'approver-1' } });
  });
});

describe('the renewal reminder', () => {
  it('wakes at 00:00 China time the notice days before the certificate expires (the day after its last), across months and leap days', () => {
    expect([DEFAULT_RENEWAL_APPLY_DAYS, RENEWAL_REMINDER_LEAD_DAYS]).toEqual([30, 30]);
    // Art. 50: at the latest 30 days before it expires, the day after its last valid day.
    expect(renewalApplyBy('2031-02-28', 30)).toBe('2031-01-30');
    expect(renewalApplyBy('2028-03-30', 30)).toBe('2028-03-01');
    expect(renewalApplyBy('2031-12-03', 1)).toBe('2031-12-03');
    // The reminder falls at the start (China time) of the day it names: the last day to apply of a period the lead days longer.
    expect(renewalReminderAt('2031-02-28', 30).slice(0, 10)).toBe('2031-01-29');
    expect(new Date(Date.parse(renewalReminderAt('2031-02-28', 30)) + 8 * 3600_000).toISOString().slice(0, 10)).toBe(renewalApplyBy('2031-02-28', 30));
    expect(renewalReminderAt('2031-02-28', 30)).toBe('2031-01-29T16:00:00.000Z');
    expect(renewalReminderAt('2028-03-30', 30)).toBe('2028-02-29T16:00:00.000Z');
    expect(renewalReminderAt('2027-01-15', 30)).toBe('2026-12-16T16:00:00.000Z');
    expect(renewalReminderAt('2031-12-03', 1)).toBe('2031-12-02T16:00:00.000Z');
    expect(renewalReminderAt('2031-12-03', 60)).toBe('2031-10-04T16:00:00.000Z');
  });

  it('is always `days` whole China days before expiry, on a China midnight, within the validity', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 180 }), (d, years, days) => {
      const issuedOn = d.toISOString().slice(0, 10);
      const until = validUntilOf(issuedOn, years)!;
      const at = renewalReminderAt(until, days);
      const expiry = Date.parse(`${until}T00:00:00+08:00`) + 86_400_000;
      expect(expiry - Date.parse(at)).toBe(days * 86_400_000);
      expect(new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(11)).toBe('00:00:00.000Z');
      expect(Date.parse(at)).toBeGreaterThan(Date.parse(`${issuedOn}T00:00:00+08:00`));
    }), { numRuns: 2000 });
  });
});

describe('the register of licences granted', () => {
  it('shows an enterprise by its name and a citizen masked', () => {
    expect(publicHolder({ kind: 'enterprise', name: '济宁市任城区味之源餐饮有限公司' })).toBe('济宁市任城区味之源餐饮有限公司');
    expect(publicHolder({ kind: 'citizen', name: '张小三' })).toBe('张*三');
    expect(publicHolder({ kind: 'citizen', name: '欧阳' })).toBe('欧*');
  });

  for (const state of certificateStatuses) {
    it(`lists a ${state} certificate with its state and day, never its case, digest, holder id or why it ended`, () => {
      const c = { ...certificateIn(state), holderId: '01J0000000000000000000000A', holderKind: 'citizen' as const, remindAt: '2031-11-02T16:00:00.000Z' };
      const entry = licenceEntryView(c, TODAY);
      expect(entry).toEqual({
        certificateNo: c.certificateNo, status: state, itemCode: c.itemCode, itemName: '食品经营许可', departmentName: '市场监督管理局', holder: '张*三', issuedOn: '2021-12-04',
        validUntil: c.validUntil, ...(c.statusOn ? { statusOn: c.statusOn } : {}),
      });
      for (const hidden of ['caseNo', 'sha256', 'holderId', 'holderKind', 'remindAt', 'ended', 'supersededBy']) expect(Object.keys(entry)).not.toContain(hidden);
    });
  }
});
