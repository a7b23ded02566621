import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sniffContentType, typeMismatch, zipEntryNames } from '../../../functions/documents/content-type.ts';
import {
  assertMayFetch,
  assertMayVerify,
  certificateNoOf,
  documentIdOf,
  documentKindsFor,
  documentsOfEvent,
  forwardedDecision,
  initialTrustLevel,
  isWellFormedCertificateNo,
  issuesCertificate,
  maskName,
  mod3736,
  uploadChannel,
  uploadRejection,
} from '../../../functions/documents/rules.ts';
import type { CaseRecord } from '../../../functions/cases/public.ts';
import type { Caller } from '#shared/auth';
import { problemUri } from '#schemas/api/problems';

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

/** A stored (uncompressed) ZIP with the given entry names, as an OFD package is. */
function zip(names: string[]): Uint8Array {
  const enc = new TextEncoder();
  const local: number[] = [];
  const central: number[] = [];
  const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
  for (const name of names) {
    const offset = local.length;
    const n = [...enc.encode(name)];
    local.push(...u32(0x04034b50), ...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(0), ...u32(0), ...u16(n.length), ...u16(0), ...n);
    central.push(...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(0), ...u32(0), ...u16(n.length), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(offset), ...n);
  }
  const end = [...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(names.length), ...u16(names.length), ...u32(central.length), ...u32(local.length), ...u16(0)];
  return Uint8Array.from([...local, ...central, ...end]);
}

describe('sniffContentType: what the bytes are', () => {
  it.each([
    ['PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe1]), 'image/jpeg'],
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['OFD', zip(['OFD.xml', 'Doc_0/Document.xml']), 'application/ofd'],
  ])('%s is accepted as itself', (_, b, type) => {
    expect(sniffContentType(b)).toMatchObject({ kind: 'accepted', type });
  });

  it.each([
    [bytes('MZ', [0x90, 0]), 'a Windows executable (PE)'],
    [bytes([0x7f], 'ELF', [2, 1]), 'a Linux executable (ELF)'],
    [bytes([0xcf, 0xfa, 0xed, 0xfe]), 'a macOS executable (Mach-O)'],
    [bytes('#!/bin/sh\n'), 'a script with an interpreter line'],
  ])('an executable is named: %s', (b, label) => {
    expect(sniffContentType(b)).toEqual({ kind: 'executable', label });
  });

  it('a ZIP without OFD.xml at its root, text and nothing are not accepted', () => {
    expect(sniffContentType(zip(['word/document.xml']))).toMatchObject({ kind: 'other', label: 'a ZIP archive that is not an OFD document' });
    expect(sniffContentType(zip(['Doc_0/OFD.xml']))).toMatchObject({ kind: 'other' });
    expect(sniffContentType(bytes('hello'))).toMatchObject({ kind: 'other' });
    expect(sniffContentType(new Uint8Array())).toMatchObject({ kind: 'other' });
  });

  it('reads the names of a ZIP central directory, and nothing from a truncated one', () => {
    expect(zipEntryNames(zip(['OFD.xml', '文档/页.xml']))).toEqual(['OFD.xml', '文档/页.xml']);
    const whole = zip(['OFD.xml']);
    expect(zipEntryNames(whole.subarray(0, whole.length - 30))).toBeUndefined();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      expect(['accepted', 'executable', 'other']).toContain(sniffContentType(b).kind);
      expect(['accepted', 'executable', 'other']).toContain(sniffContentType(Uint8Array.from([0x50, 0x4b, 3, 4, ...b])).kind);
    }), { numRuns: 500 });
  });

  it('a declared type is checked against the sniffed one', () => {
    expect(typeMismatch('application/pdf', sniffContentType(bytes('%PDF-')))).toBeUndefined();
    expect(typeMismatch('image/png', sniffContentType(bytes('%PDF-')))).toEqual({ code: 'type_mismatch', reason: 'Declared as PNG, the file is a PDF.' });
    expect(typeMismatch('application/pdf', sniffContentType(bytes('MZ')))).toEqual({ code: 'executable', reason: 'Declared as PDF, the file is a Windows executable (PE).' });
  });
});

describe('uploadRejection: the first failed check', () => {
  const pdf = sniffContentType(bytes('%PDF-1.4'));
  const declared = { contentType: 'application/pdf' as const, size: 100, maxBytes: 1000 };
  it.each([
    [{ size: 1001, sha256: 'a', sniffed: pdf }, 'too_large'],
    [{ size: 99, sha256: 'a', sniffed: pdf }, 'size_mismatch'],
    [{ size: 100, sha256: 'a', sniffed: sniffContentType(bytes('MZ')) }, 'executable'],
    [{ size: 100, sha256: 'b', sniffed: pdf, declaredSha: 'a' }, 'digest_mismatch'],
  ])('%o → %s', (observed, code) => {
    const d = 'declaredSha' in observed ? { ...declared, sha256: observed.declaredSha as string } : declared;
    expect(uploadRejection(d, observed)?.code).toBe(code);
  });
  it('passes what matches', () => {
    expect(uploadRejection({ ...declared, sha256: 'a' }, { size: 100, sha256: 'a', sniffed: pdf })).toBeUndefined();
  });
});

describe('trust levels (国办函〔2016〕108号)', () => {
  it('window scan B, applicant upload C, a pledged material D', () => {
    expect(initialTrustLevel('window', 'provided')).toBe('B');
    expect(initialTrustLevel('window', 'pledged')).toBe('B');
    expect(initialTrustLevel('online', 'provided')).toBe('C');
    expect(initialTrustLevel('online', 'missing')).toBe('C');
    expect(initialTrustLevel('online', 'pledged')).toBe('D');
  });
});

describe('certificate numbers', () => {
  it('follow from the case number and the approval event, with an ISO 7064 MOD 37,36 check character', () => {
    const eventId = '01KB2ZQ8V6X4W3T9J5M7N2P4RS';
    expect(certificateNoOf('370982-20261127-00001', eventId)).toMatch(/^C3709822026112700001N2P4RS[0-9A-Z]$/);
    expect(certificateNoOf('370982-20261127-00001', eventId)).toBe(certificateNoOf('370982-20261127-00001', eventId));
    expect(certificateNoOf('370982-20261127-00001', '01KB2ZQ8V6X4W3T9J5M7N2P4RT')).not.toBe(certificateNoOf('370982-20261127-00001', eventId));
    expect(isWellFormedCertificateNo(certificateNoOf('370982-20261127-00001', eventId))).toBe(true);
    expect(isWellFormedCertificateNo('C370982202611270000')).toBe(false);
  });

  it('every single-character change is caught', () => {
    const alnum = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alnum), minLength: 14, maxLength: 20 }), fc.nat(), fc.constantFrom(...alnum), (body, at, ch) => {
      const no = `C${body}${mod3736(body)}`;
      const i = 1 + (at % (no.length - 1));
      if (no[i] !== ch) expect(isWellFormedCertificateNo(`${no.slice(0, i)}${ch}${no.slice(i + 1)}`)).toBe(false);
    }), { numRuns: 2000 });
  });

  it('masks the holder for the public check', () => {
    expect(maskName('孙悟空')).toBe('孙*空');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
    expect(maskName('王')).toBe('*');
  });
});

describe('documentKindsFor', () => {
  const promised = (resultType: string) => ({ resultType, serviceMode: 'promised' });
  const escalated = { resultType: 'licence', serviceMode: 'escalated' };

  it('names the documents of each case event, a certificate only for items whose result is one', () => {
    expect(documentKindsFor('CaseAccepted', promised('licence'))).toEqual(['acceptance_receipt']);
    expect(documentKindsFor('CaseDeemedAccepted', promised('none'))).toEqual(['acceptance_receipt']);
    expect(documentKindsFor('CaseAcceptedWithTolerance', promised('none'))).toEqual(['acceptance_receipt']);
    expect(documentKindsFor('CaseRefused', promised('licence'))).toEqual(['refusal_notice']);
    expect(documentKindsFor('SupplementRequested', promised('licence'))).toEqual(['supplement_notice']);
    expect(documentKindsFor('CaseReviewed', promised('licence'))).toEqual([]);
    expect(documentKindsFor('CaseDelivered', promised('licence'))).toEqual([]);
  });

  it('a written decision on every grant and every denial (art. 38), after the certificate it names for an item whose result is one', () => {
    expect(documentKindsFor('CaseApproved', promised('licence'))).toEqual(['certificate', 'grant_decision']);
    expect(documentKindsFor('CaseApproved', promised('approval_document'))).toEqual(['certificate', 'grant_decision']);
    expect(documentKindsFor('CaseApproved', promised('none'))).toEqual(['grant_decision']);
    expect(documentKindsFor('CaseApproved', { resultType: 'other', serviceMode: 'immediate' })).toEqual(['grant_decision']);
    expect(documentKindsFor('CaseDenied', promised('licence'))).toEqual(['denial_decision']);
    expect(documentKindsFor('CaseDenied', { resultType: 'none', serviceMode: 'joint' })).toEqual(['denial_decision']);
    expect(issuesCertificate(promised('licence'))).toBe(true);
    expect(issuesCertificate(promised('other'))).toBe(false);
  });

  it('an escalated item (上报): no decision and no certificate of the center\'s, only the notice of the upper authority\'s decision', () => {
    expect(documentKindsFor('CaseApproved', escalated)).toEqual(['forwarding_notice']);
    expect(documentKindsFor('CaseDenied', escalated)).toEqual(['forwarding_notice']);
    expect(documentKindsFor('CaseAccepted', escalated)).toEqual(['acceptance_receipt']);
    expect(issuesCertificate(escalated)).toBe(false);
  });

  it('keeps the ids of the kinds issued before (one per event and kind), so a redelivered event finds them', () => {
    expect(documentIdOf('certificate', '01KB000000000000000000000A')).toBe('certificate-01KB000000000000000000000A');
    expect(documentIdOf('grant_decision', '01KB000000000000000000000A')).toBe('grant_decision-01KB000000000000000000000A');
    // The issuing consumer's rule takes exactly the events listed (infra/stacks/documents.ts).
    expect(Object.keys(documentsOfEvent)).toEqual(['CaseAccepted', 'CaseAcceptedWithTolerance', 'CaseDeemedAccepted', 'CaseRefused', 'SupplementRequested', 'CaseApproved', 'CaseDenied']);
  });

  it('the forwarding notice tells the upper authority\'s decision as recorded, else the county\'s outcome and the authority escalated to', () => {
    const recorded = { authority: '山东省卫生健康委员会', documentNo: '鲁卫放证字〔2026〕18号', decidedOn: '2026-11-20', outcome: 'granted' as const, certificateNo: '鲁370000-0018' };
    expect(forwardedDecision('approved', recorded, '山东省卫生健康委员会')).toEqual(recorded);
    expect(forwardedDecision('denied', undefined, '山东省卫生健康委员会')).toEqual({ outcome: 'denied', authority: '山东省卫生健康委员会' });
    expect(forwardedDecision('approved', undefined, undefined)).toEqual({ outcome: 'granted' });
  });
});

describe('who hands in, verifies and fetches a case\'s files', () => {
  const open = { caseNo: '370982-20261127-00001', centerId: 'c1', state: 'accepted', applicantSub: 'owner', item: { departmentId: 'amr', jointDepartments: ['tax'] } } as unknown as CaseRecord;
  const closed = { ...open, state: 'completed' } as CaseRecord;
  const owner: Caller = { userId: 'owner', username: 'zhang.san', roles: ['applicant'], centerId: 'c1' };
  const stranger: Caller = { ...owner, userId: 'other', username: 'li.si' };
  const clerk: Caller = { userId: 'clerk', username: 'clerk.amr', roles: ['clerk'], centerId: 'c1', departmentId: 'amr' };
  const otherClerk: Caller = { ...clerk, departmentId: 'housing' };
  const refusal = (act: () => unknown) => {
    try {
      act();
    } catch (err) {
      const e = err as { status: number; type: string };
      return [e.status, e.type];
    }
    return undefined;
  };

  it('the applicant uploads online, a clerk of the lead department at the window; others are refused', () => {
    expect(uploadChannel(owner, open, true)).toBe('online');
    expect(uploadChannel(clerk, open, false)).toBe('window');
    expect(refusal(() => uploadChannel(stranger, open, false))).toEqual([404, problemUri('not-found')]);
    expect(refusal(() => uploadChannel(otherClerk, open, false))).toEqual([403, problemUri('forbidden')]);
  });

  it('a closed case takes no materials and verifies none (409 case-closed-for-materials)', () => {
    expect(refusal(() => uploadChannel(owner, closed, true))).toEqual([409, problemUri('case-closed-for-materials')]);
    expect(refusal(() => assertMayVerify(clerk, closed, false))).toEqual([409, problemUri('case-closed-for-materials')]);
    expect(refusal(() => assertMayVerify(clerk, open, false))).toBeUndefined();
    expect(refusal(() => assertMayVerify(owner, open, true))).toEqual([403, problemUri('forbidden')]);
  });

  it('the applicant and the handling staff fetch, whatever the state', () => {
    expect(refusal(() => assertMayFetch(owner, closed, true))).toBeUndefined();
    expect(refusal(() => assertMayFetch(clerk, closed, false))).toBeUndefined();
    expect(refusal(() => assertMayFetch(stranger, closed, false))).toEqual([404, problemUri('not-found')]);
    expect(refusal(() => assertMayFetch(otherClerk, closed, false))).toEqual([403, problemUri('forbidden')]);
  });
});
