import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentDisposition } from '../../../functions/documents/objects.ts';
import type { StoredFile } from '../../../functions/documents/store.ts';
import { documentView, fileTag, fileView } from '../../../functions/documents/views.ts';

describe('Content-Disposition of a download', () => {
  it('names the file in ASCII and as RFC 5987 UTF-8', () => {
    expect(contentDisposition('营业执照.pdf', 'x.pdf')).toBe(`attachment; filename="____.pdf"; filename*=UTF-8''${encodeURIComponent('营业执照.pdf')}`);
    // attr-char has no quote, parentheses or star: they are percent-encoded too.
    expect(contentDisposition("it's (1)*.pdf", 'x.pdf')).toBe(`attachment; filename="it's (1)*.pdf"; filename*=UTF-8''it%27s%20%281%29%2A.pdf`);
    expect(contentDisposition('a"b\\c.pdf', 'x.pdf')).toMatch(/^attachment; filename="a_b_c\.pdf"; /);
  });

  it('a stored name with a lone surrogate (stored before names were checked) still downloads: no URIError', () => {
    expect(() => encodeURIComponent('\ud800.pdf')).toThrow(URIError);
    expect(contentDisposition('\ud800.pdf', 'premises.pdf')).toBe(`attachment; filename="_.pdf"; filename*=UTF-8''%EF%BF%BD.pdf`);
  });

  it('drops bidi overrides and falls back when nothing visible is left', () => {
    expect(contentDisposition('invoice\u202Efdp.exe', 'x.pdf')).toContain("filename*=UTF-8''invoicefdp.exe");
    expect(contentDisposition('\u202E\u200B', 'premises.pdf')).toBe(`attachment; filename="premises.pdf"; filename*=UTF-8''premises.pdf`);
  });

  it('is an ASCII header value for any name', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (name) => {
      expect(contentDisposition(name, 'fallback.pdf')).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    }), { numRuns: 1000 });
  });
});

const stored: StoredFile = {
  fileId: '01KB2ZQ8V6X4W3T9J5M7N2P4RS', caseNo: '370982-20261127-00001', centerId: 'c1', materialId: 'premises', materialName: '经营场所证明',
  status: 'received', contentType: 'application/pdf', declaredSize: 10, form: 'electronic', count: 1, trustLevel: 'B', uploadedBy: 'clerk-sub',
  channel: 'window', createdAt: '2026-11-27T01:00:00Z', checkedAt: '2026-11-27T01:01:00Z', verifiedBy: 'clerk-sub', verifiedAt: '2026-11-27T01:01:00Z',
  objectKey: 'uploads/c1/x/F1', maxBytes: 100, size: 10, sha256: 'a'.repeat(64), eTag: '"s3"',
};

describe('what clients see of a file', () => {
  it('no storage internals; the applicant reads `staff` for a clerk\'s account id', () => {
    const staffView = fileView(stored);
    expect(staffView).not.toHaveProperty('objectKey');
    expect(staffView).not.toHaveProperty('centerId');
    expect(staffView).not.toHaveProperty('eTag');
    expect(staffView).toMatchObject({ uploadedBy: 'clerk-sub', verifiedBy: 'clerk-sub', channel: 'window' });
    expect(fileView(stored, true)).toMatchObject({ uploadedBy: 'staff', verifiedBy: 'staff', channel: 'window' });
    // The applicant's own upload names the applicant.
    expect(fileView({ ...stored, channel: 'online', uploadedBy: 'applicant-sub', verifiedBy: undefined }, true).uploadedBy).toBe('applicant-sub');
  });

  it('its etag is the version of the file: the same whoever reads it and in whatever order the table returns it, another after each change', () => {
    const reordered = Object.fromEntries(Object.entries(stored).reverse()) as StoredFile;
    expect(fileTag(reordered)).toBe(fileTag(stored));
    expect(fileView(stored).etag).toBe(fileTag(stored));
    expect(fileView(stored, true).etag).toBe(fileTag(stored));
    expect(fileTag({ ...stored, trustLevel: 'C' })).not.toBe(fileTag(stored));
    expect(fileTag({ ...stored, status: 'rejected', rejection: { code: 'replaced', reason: 'r' } })).not.toBe(fileTag(stored));
  });

  it('an issued document carries an etag too', () => {
    const doc = documentView({
      documentId: 'certificate-01KB2ZQ8V6X4W3T9J5M7N2P4RS', caseNo: stored.caseNo, centerId: 'c1', kind: 'certificate', contentType: 'application/pdf',
      size: 20, sha256: 'b'.repeat(64), trustLevel: 'A', issuedAt: '2026-11-27T02:00:00Z', objectKey: 'documents/x.pdf',
    });
    expect(doc).not.toHaveProperty('objectKey');
    expect(doc.etag).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
