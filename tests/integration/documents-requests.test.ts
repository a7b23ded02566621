/**
 * DynamoDB requests per documents operation (DESIGN §10: at most 3, no Scan),
 * counted by a middleware on the handler's own DynamoDB client; the handler
 * runs in this process against the local cloud's DynamoDB and S3.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { call, cloud, doc, until } from './api-client.ts';
import { bucketOf, completeCase, documentsOf, freshApplicant, openCase, problemType, samples, upload } from './documents-client.ts';
import { eventFor, inProcess, type User } from './in-process.ts';

let measured: Awaited<ReturnType<typeof inProcess>>;

beforeAll(async () => {
  measured = await inProcess(() => import('../../functions/documents/handler.ts'), {
    MATERIALS_BUCKET: bucketOf('MaterialsBucket'),
    ARCHIVE_BUCKET: bucketOf('ArchiveBucket'),
    ARCHIVE_LOCK_MODE: 'COMPLIANCE',
    AWS_ENDPOINT_URL_S3: cloud.endpoints.s3,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  });
});

describe('DynamoDB requests per documents operation (≤ 3, no Scan)', () => {
  it('upload slot, list, verify, downloads, certificate check, licence register, archive retrieval, disposition', async () => {
    const who = await freshApplicant();
    const { caseNo, etag } = await openCase(who.username);
    const figures: Record<string, string[]> = {};
    const run = async (name: string, as: string | undefined, method: string, path: string, route: string, opts: Parameters<typeof eventFor>[4] = {}) => {
      const res = await measured(eventFor(as, method, path, route, opts));
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBeLessThan(400);
      figures[name] = res.commands;
      return res;
    };

    const slot = { params: { caseNo }, headers: { 'idempotency-key': 'count-1' }, body: { materialId: 'premises', contentType: 'application/pdf', size: 100 } };
    await run('upload slot', 'clerk.amr', 'POST', `/cases/${caseNo}/materials`, '/cases/{caseNo}/materials', slot);
    await run('upload slot, replayed', 'clerk.amr', 'POST', `/cases/${caseNo}/materials`, '/cases/{caseNo}/materials', slot);
    const file = await upload(caseNo, who.username, 'application-form', samples.pdf);
    await run('list files', 'clerk.amr', 'GET', `/cases/${caseNo}/materials`, '/cases/{caseNo}/materials', { params: { caseNo } });
    await run('verify', 'clerk.amr', 'POST', `/cases/${caseNo}/materials/${file.fileId}/verify`, '/cases/{caseNo}/materials/{fileId}/verify', { params: { caseNo, fileId: file.fileId }, body: {}, headers: { 'idempotency-key': 'verify-1' } });
    await run('verify, replayed', 'clerk.amr', 'POST', `/cases/${caseNo}/materials/${file.fileId}/verify`, '/cases/{caseNo}/materials/{fileId}/verify', { params: { caseNo, fileId: file.fileId }, body: {}, headers: { 'idempotency-key': 'verify-1' } });
    await run('download a material', 'clerk.amr', 'GET', `/cases/${caseNo}/materials/${file.fileId}/download`, '/cases/{caseNo}/materials/{fileId}/download', { params: { caseNo, fileId: file.fileId } });

    await completeCase(caseNo, etag);
    const docs = await until('documents', async () => {
      const d = await documentsOf(caseNo, who.username);
      return d.some((x) => x.kind === 'certificate') ? d : undefined;
    });
    const cert = docs.find((d) => d.kind === 'certificate')!;
    await run('download a document', 'clerk.amr', 'GET', `/cases/${caseNo}/documents/${cert.documentId}/download`, '/cases/{caseNo}/documents/{documentId}/download', { params: { caseNo, documentId: cert.documentId } });
    await run('certificate check', undefined, 'GET', `/public/certificates/${cert.certificateNo}`, '/public/certificates/{certificateNo}', { params: { certificateNo: cert.certificateNo! } });
    await run('licence register', undefined, 'GET', '/public/licences', '/public/licences');
    await run('licence register of an item', undefined, 'GET', '/public/licences', '/public/licences', { query: { itemCode: '370982-AMR-XK-003' } });
    await until('the archive', async () => {
      const res = await measured(eventFor('auditor', 'GET', `/archives/${caseNo}`, '/archives/{caseNo}', { params: { caseNo } }));
      return res.status === 200 ? true : undefined;
    }, 30_000);
    await run('archive retrieval', 'auditor', 'GET', `/archives/${caseNo}`, '/archives/{caseNo}', { params: { caseNo } });
    await run('archives due', 'auditor', 'GET', '/archives', '/archives', { query: { dueBy: '2100-01-01' } });
    const proposal = await measured(eventFor('center.admin', 'POST', `/archives/${caseNo}/disposition`, '/archives/{caseNo}/disposition', { params: { caseNo }, body: { action: 'destroy', reason: '保管期满' } }));
    expect(proposal.status).toBe(409);
    figures['disposition refused (retention running)'] = proposal.commands;

    console.log(`DynamoDB requests per documents operation:\n${Object.entries(figures).map(([op, cmds]) => `  ${op}: ${cmds.length} (${cmds.join(', ')})`).join('\n')}`);
    for (const [op, cmds] of Object.entries(figures)) {
      expect(cmds.length, op).toBeLessThanOrEqual(3);
      expect(cmds, op).not.toContain('ScanCommand');
    }
    expect(figures['upload slot']).toEqual(['BatchGetItemCommand', 'GetItemCommand', 'TransactWriteItemsCommand']);
    // The slot of the key is read again: a retry gets a fresh URL only while the slot waits for its file.
    expect(figures['upload slot, replayed']).toEqual(['BatchGetItemCommand', 'GetItemCommand']);
    expect(figures.verify).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    expect(figures['verify, replayed']).toEqual(['BatchGetItemCommand']);
    expect(figures['download a material']).toEqual(['BatchGetItemCommand', 'PutItemCommand']);
    expect(figures['certificate check']).toEqual(['GetItemCommand']);
    expect(figures['licence register']).toEqual(['QueryCommand']);
    expect(figures['licence register of an item']).toEqual(['QueryCommand']);
  });
});

describe('four eyes on an archive\'s disposition', () => {
  it('one person with both roles proposes, and may not approve it (403 disposition-self-approval)', async () => {
    // No demo account holds both roles; the claims are forged here, as the authorizer would pass them.
    const both: User = { username: 'admin.and.supervisor', roles: ['center_admin', 'supervisor'], centerId: 'center-demo', sub: `both-${Date.now()}` };
    const who = await freshApplicant();
    const { caseNo, etag } = await openCase(who.username);
    await completeCase(caseNo, etag);
    await until('the archive', async () => ((await call('GET', `/archives/${caseNo}`, { as: 'auditor' })).status === 200 ? true : undefined), 30_000);
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: { PK: `CENTER#center-demo#CASEFILES#${caseNo}`, SK: 'ARCHIVE' },
      UpdateExpression: 'SET retainUntil = :d, GSI1SK = :sk',
      ExpressionAttributeValues: { ':d': '2000-01-01', ':sk': `2000-01-01#${caseNo}` },
    }));
    const path = { params: { caseNo } };
    const proposed = await measured(eventFor(both, 'POST', `/archives/${caseNo}/disposition`, '/archives/{caseNo}/disposition', { ...path, body: { action: 'retain', reason: '仍有查考价值', retainYears: 5 } }));
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    expect(proposed.body.disposition.proposedBy).toBe(both.sub);
    const own = await measured(eventFor(both, 'POST', `/archives/${caseNo}/disposition/approve`, '/archives/{caseNo}/disposition/approve', path));
    expect([own.status, own.body.type]).toEqual([403, problemType('disposition-self-approval')]);
    const other = await measured(eventFor('supervisor', 'POST', `/archives/${caseNo}/disposition/approve`, '/archives/{caseNo}/disposition/approve', path));
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    expect(other.body).toMatchObject({ retainUntil: '2005-01-01', disposition: { proposedBy: both.sub, approvedBy: cloud.users.find((u) => u.username === 'supervisor')!.sub } });
  }, 60_000);
});
