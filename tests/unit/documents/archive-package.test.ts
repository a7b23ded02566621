import { describe, expect, it } from 'vitest';
import {
  approvedDisposition,
  buildManifest,
  deliveriesToSupplement,
  deliverySupplement,
  deliverySupplementPath,
  manifestObjects,
  objectLockOf,
  parseManifest,
  retainUntilOf,
} from '../../../functions/documents/archive-package.ts';
import type { CaseRecord, TimelineItem } from '../../../functions/cases/public.ts';
import type { StoredArchive, StoredDocument, StoredFile } from '../../../functions/documents/store.ts';

describe('retention class → retain-until and Object Lock parameters', () => {
  it('counts from 1 January after the year the case completed, in the center\'s time zone', () => {
    expect(retainUntilOf('10y', '2026-11-27T03:00:00Z', 'Asia/Shanghai')).toBe('2037-01-01');
    expect(retainUntilOf('30y', '2026-11-27T03:00:00Z', 'Asia/Shanghai')).toBe('2057-01-01');
    // 31 Dec 2026 20:00 UTC is already 2027 in Beijing.
    expect(retainUntilOf('10y', '2026-12-31T20:00:00Z', 'Asia/Shanghai')).toBe('2038-01-01');
    expect(retainUntilOf('permanent', '2026-11-27T03:00:00Z', 'Asia/Shanghai')).toBeUndefined();
  });

  it('a dated class is a retention in the stage\'s mode until midnight Beijing time; permanent a legal hold without end', () => {
    expect(objectLockOf('2037-01-01', 'COMPLIANCE', 'Asia/Shanghai')).toEqual({ ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date('2036-12-31T16:00:00Z') });
    expect(objectLockOf('2057-01-01', 'GOVERNANCE', 'Asia/Shanghai')).toEqual({ ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: new Date('2056-12-31T16:00:00Z') });
    // A center in another zone: midnight there.
    expect(objectLockOf('2037-01-01', 'COMPLIANCE', 'Asia/Urumqi')).toEqual({ ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date('2036-12-31T18:00:00Z') });
    expect(objectLockOf(undefined, 'COMPLIANCE', 'Asia/Shanghai')).toEqual({ ObjectLockLegalHoldStatus: 'ON' });
  });
});

const record = {
  caseNo: '370982-20261127-00001', centerId: 'c1', state: 'completed', version: 4, channel: 'online', timeZone: 'Asia/Shanghai',
  item: { code: '370982-AMR-XK-003', version: 1, name: '个体工商户登记', departmentId: 'amr', serviceMode: 'immediate', jointDepartments: [] },
  applicant: { applicantId: 'a1', kind: 'citizen', name: '张三' }, applicantSub: 's1', fields: {}, materials: [], reviews: [], jointSteps: [],
  receivedAt: '2026-11-27T01:00:00Z', acceptedAt: '2026-11-27T01:10:00Z', completedAt: '2026-11-27T02:00:00Z',
  decision: { outcome: 'approved', at: '2026-11-27T01:50:00Z' }, clock: {}, deadlines: {}, createdAt: '2026-11-27T01:00:00Z', updatedAt: '2026-11-27T02:00:00Z',
} as unknown as CaseRecord;

const file = (fileId: string, status: StoredFile['status'], checkedAt = '2026-11-27T01:01:00Z') => ({
  fileId, caseNo: record.caseNo, centerId: 'c1', materialId: 'premises', materialName: '经营场所证明', status, contentType: 'image/jpeg', declaredSize: 10,
  form: 'copy', count: 1, trustLevel: 'C', uploadedBy: 's1', channel: 'online', createdAt: '2026-11-27T01:00:00Z', objectKey: `uploads/c1/x/${fileId}`,
  maxBytes: 100, size: 10, sha256: 'a'.repeat(64), checkedAt,
}) as StoredFile;

const receipt = {
  documentId: 'acceptance_receipt-01KB000000000000000000000A', caseNo: record.caseNo, centerId: 'c1', kind: 'acceptance_receipt', contentType: 'application/pdf',
  size: 20_000, sha256: 'b'.repeat(64), trustLevel: 'A', issuedAt: '2026-11-27T01:10:01Z', objectKey: 'documents/x.pdf',
} as StoredDocument;

describe('the manifest', () => {
  const at = (eventId: string, detailType: string, occurredAt: string) => ({ eventId, detailType, event: { occurredAt, actor: { id: 's1', role: 'applicant' }, data: {} as never } });
  const delivered = { ...record, state: 'delivered', delivery: { method: 'pickup', at: '2026-11-28T01:00:00Z' } } as unknown as CaseRecord;
  const manifest = buildManifest({
    record: delivered,
    timeline: [at('E1', 'CaseSubmitted', '2026-11-27T01:00:00Z'), at('E2', 'CaseCompleted', '2026-11-27T02:00:00Z'), at('E3', 'CaseDelivered', '2026-11-28T01:00:00Z')],
    files: [file('F1', 'received'), file('F2', 'rejected'), file('F3', 'received', '2026-11-27T02:00:01Z')], documents: [receipt],
    fileEvents: [at('D1', 'MaterialReceived', '2026-11-27T01:01:00Z'), at('D2', 'DocumentRetrieved', '2026-11-28T00:00:00Z')],
    retention: '10y', retainUntil: '2037-01-01', createdAt: record.completedAt!,
  });

  it('lists every material received before completion and every document with its path and digest, never a rejected upload', () => {
    expect(manifestObjects(manifest)).toEqual([
      { path: 'materials/premises/F1.jpg', sha256: 'a'.repeat(64), size: 10, contentType: 'image/jpeg' },
      { path: `documents/acceptance_receipt/${receipt.documentId}.pdf`, sha256: 'b'.repeat(64), size: 20_000, contentType: 'application/pdf' },
    ]);
    expect(manifest.materials[0]).toMatchObject({ materialName: '经营场所证明', trustLevel: 'C', form: 'copy', count: 1, uploadedBy: 's1', channel: 'online' });
    expect(manifest.rejectedUploads.map((r) => r.fileId)).toEqual(['F2']);
    // The files' own operation record, up to the completion.
    expect(manifest.fileEvents.map((e) => e.type)).toEqual(['MaterialReceived']);
  });

  it('carries the case, its decision, its timeline and its retention; it round-trips', () => {
    expect(manifest.package).toEqual({ caseNo: record.caseNo, centerId: 'c1', createdAt: record.completedAt, retention: { class: '10y', retainUntil: '2037-01-01' } });
    expect(manifest.decision).toEqual(record.decision);
    expect(manifest.case).toMatchObject({ caseNo: record.caseNo, applicant: record.applicant, completedAt: record.completedAt });
    expect(manifest.case).not.toHaveProperty('applicantSub');
    // As it completed, whatever happened since: every run writes the same bytes.
    expect(manifest.case).toMatchObject({ state: 'completed' });
    expect(manifest.case).not.toHaveProperty('delivery');
    expect(JSON.stringify(buildManifest({
      record, timeline: manifest.timeline.map((e) => at(e.eventId, e.type, e.occurredAt)), files: [file('F1', 'received'), file('F2', 'rejected')], documents: [receipt],
      fileEvents: [at('D1', 'MaterialReceived', '2026-11-27T01:01:00Z')], retention: '10y', retainUntil: '2037-01-01', createdAt: record.completedAt!,
    })))
      .toBe(JSON.stringify(manifest));
    expect(manifest.timeline.map((e) => e.type)).toEqual(['CaseSubmitted', 'CaseCompleted']);
    expect(manifest.timeline[0]).toEqual({ eventId: 'E1', type: 'CaseSubmitted', occurredAt: '2026-11-27T01:00:00Z', actor: { id: 's1', role: 'applicant' }, data: {} });
    expect(parseManifest(new TextEncoder().encode(JSON.stringify(manifest)))).toEqual(manifest);
    expect(() => parseManifest(new TextEncoder().encode('{"format":"other"}'))).toThrow(/not an archive manifest/);
  });
});

describe('disposition', () => {
  const archive = {
    caseNo: record.caseNo, centerId: 'c1', bucket: 'b', prefix: 'p/', location: 's3://b/p/', manifestSha256: 'c'.repeat(64), retentionClass: '10y',
    retainUntil: '2037-01-01', archivedAt: '2026-11-27T02:00:01Z', objects: 3, timeZone: 'Asia/Shanghai', rev: 1,
  } as StoredArchive;

  it('an approved destruction is recorded before anything is deleted; an approved retention moves its end', () => {
    const proposal = { reason: 'r', proposedBy: 'u1', proposedAt: '2037-01-02T00:00:00Z' };
    const destroy = approvedDisposition({ ...archive, disposition: { action: 'destroy', ...proposal } }, 'u2', '2037-01-03T00:00:00Z');
    expect(destroy).toMatchObject({ disposition: { approvedBy: 'u2', approvedAt: '2037-01-03T00:00:00Z' }, retainUntil: '2037-01-01' });
    expect(destroy.disposedAt).toBeUndefined();
    const kept = approvedDisposition({ ...archive, disposition: { action: 'retain', retainYears: 5, ...proposal } }, 'u2', '2037-01-03T00:00:00Z');
    expect(kept.retainUntil).toBe('2042-01-01');
    expect(kept.disposedAt).toBeUndefined();
  });
});

describe('the delivery supplement', () => {
  const archive = {
    caseNo: record.caseNo, centerId: 'c1', bucket: 'b', prefix: 'p/', location: 's3://b/p/', manifestSha256: 'c'.repeat(64), retentionClass: '30y',
    retainUntil: '2057-01-01', archivedAt: '2026-11-27T02:00:01Z', objects: 3, timeZone: 'Asia/Shanghai', rev: 1,
  } as StoredArchive;
  const delivered = (eventId: string, details: Record<string, unknown>) => ({
    eventId, detailType: 'CaseDelivered',
    // 16:30 UTC is the next day in Beijing.
    event: { occurredAt: '2026-11-27T16:30:00Z', actor: { id: 'clerk-sub', role: 'clerk', departmentId: 'amr' }, data: { details } },
  }) as unknown as TimelineItem;

  it('holds the delivery record and the manifest\'s digest, the day in the center\'s zone, nothing else of the case', () => {
    const mail = deliverySupplement(archive, delivered('E9', { method: 'mail', trackingNo: 'SF1234567890' }));
    expect(mail).toEqual({
      format: 'onestop-archive-supplement/1', kind: 'delivery', package: { caseNo: record.caseNo, centerId: 'c1' }, previousManifestSha256: 'c'.repeat(64),
      delivery: { eventId: 'E9', method: 'mail', trackingNo: 'SF1234567890', deliveredOn: '2026-11-28', deliveredAt: '2026-11-27T16:30:00Z', actor: { id: 'clerk-sub', role: 'clerk' } },
    });
    expect(deliverySupplement(archive, delivered('E9', { method: 'pickup' })).delivery).not.toHaveProperty('trackingNo');
    expect(deliverySupplementPath('E9')).toBe('supplements/delivery-E9.json');
  });

  it('supplements each delivery once, and nothing of a destroyed package', () => {
    const timeline = [{ eventId: 'E1', detailType: 'CaseCompleted' }, delivered('E9', { method: 'pickup' })] as TimelineItem[];
    expect(deliveriesToSupplement(archive, timeline).map((e) => e.eventId)).toEqual(['E9']);
    const recorded = { ...archive, supplements: [{ kind: 'delivery' as const, path: deliverySupplementPath('E9'), sha256: 'd'.repeat(64), size: 300, causedBy: 'E9', addedAt: '2026-11-28T00:00:00Z' }] };
    expect(deliveriesToSupplement(recorded, timeline)).toEqual([]);
    expect(deliveriesToSupplement({ ...archive, disposedAt: '2057-01-02T00:00:00Z' }, timeline)).toEqual([]);
  });
});
