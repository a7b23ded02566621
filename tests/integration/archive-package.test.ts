/**
 * The archive package as the SDK writes it: the archive consumer's code runs
 * in this process against the local cloud's DynamoDB and S3, with a
 * middleware on its S3 client recording every PutObject. s3rver has no
 * Object Lock, so the retention each object is written with is asserted on
 * those parameters. Cases are closed (and delivered) here by writing their
 * state and events directly (nothing on the bus), so the cloud's own archive
 * consumer leaves them to this test.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '#shared/ids';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import { call, cloud, doc } from './api-client.ts';
import { materialsOf } from './cases-client.ts';
import { bucketOf, freshApplicant, sha256, upload } from './documents-client.ts';

const puts: PutObjectCommandInput[] = [];
let archiveCase: typeof import('../../functions/documents/archive.ts').archiveCase;

beforeAll(async () => {
  Object.assign(process.env, {
    TABLE_NAME: cloud.tableName,
    MATERIALS_BUCKET: bucketOf('MaterialsBucket'),
    ARCHIVE_BUCKET: bucketOf('ArchiveBucket'),
    ARCHIVE_LOCK_MODE: 'COMPLIANCE',
    AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: cloud.endpoints.s3,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  const { s3 } = await import('../../functions/documents/objects.ts');
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand') puts.push(args.input as PutObjectCommandInput);
      return next(args);
    },
    { step: 'initialize', name: 'recordPuts' },
  );
  ({ archiveCase } = await import('../../functions/documents/archive.ts'));
});

const changedItems = new Set<string>();
afterAll(async () => {
  // Other tests file cases of these items: they get the demo's default class back.
  for (const code of changedItems) {
    await doc.send(new UpdateCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#center-demo#ITEM#${code}`, SK: 'V#000001' }, UpdateExpression: 'REMOVE content.retentionClass' }));
  }
});

/** Sets the retention class on version 1 of a demo item (the version its cases are filed under). */
async function setRetention(itemCode: string, retentionClass: string) {
  changedItems.add(itemCode);
  await doc.send(new UpdateCommand({
    TableName: cloud.tableName,
    Key: { PK: `CENTER#center-demo#ITEM#${itemCode}`, SK: 'V#000001' },
    UpdateExpression: 'SET content.retentionClass = :r',
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeValues: { ':r': retentionClass },
  }));
}

/** A case of `itemCode` with `files` uploaded PDFs of `bytes` each, then closed without an event. */
async function closedCase(itemCode: string, files: number, bytes = 2048) {
  const who = await freshApplicant();
  const res = await call('POST', '/cases', { as: who.username, body: { itemCode, materials: materialsOf(itemCode) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const caseNo = res.body.caseNo as string;
  const materialIds = materialsOf(itemCode).map((m) => m.materialId);
  const uploaded = [];
  for (let i = 0; i < files; i++) {
    const body = new Uint8Array(bytes).map((_, j) => (j * 7 + i) % 251);
    body.set(new TextEncoder().encode('%PDF-1.7\n'), 0);
    uploaded.push(await upload(caseNo, who.username, materialIds[i % materialIds.length]!, body));
  }
  await doc.send(new UpdateCommand({
    TableName: cloud.tableName,
    Key: { PK: `CENTER#center-demo#CASE#${caseNo}`, SK: 'CASE' },
    UpdateExpression: 'SET #s = :completed, completedAt = :at',
    ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: { ':completed': 'completed', ':at': new Date().toISOString() },
  }));
  return { caseNo, uploaded };
}

const putsUnder = (caseNo: string) => puts.filter((p) => p.Key!.includes(`/${caseNo}/`));

/**
 * A CaseDelivered in the case's timeline, written without the outbox's kind
 * attribute: the pipe publishes only event items, so the cloud's consumers
 * never see it and the archive is this test's.
 */
async function delivered(caseNo: string, trackingNo: string) {
  const eventId = newId();
  const event = {
    eventId, centerId: 'center-demo', occurredAt: new Date().toISOString(), actor: { id: 'clerk-sub', role: 'clerk', departmentId: 'amr' },
    subject: { type: 'case', id: caseNo }, version: 1, data: { caseNo, action: 'deliver', toState: 'delivered', details: { method: 'mail', trackingNo } },
  };
  await doc.send(new PutCommand({
    TableName: cloud.tableName,
    Item: { PK: `CENTER#center-demo#CASE#${caseNo}`, SK: `EVENT#${eventId}`, detailType: 'CaseDelivered', detail: JSON.stringify(event) },
  }));
  return eventId;
}

describe('archive package: what the SDK is asked to write', () => {
  it('a 10-year class: every object COMPLIANCE-locked until 1 January of the 11th year after completion (Beijing), with its SHA-256 for S3 to check', async () => {
    await setRetention('370982-AMR-XK-002-YX', '10y');
    const { caseNo, uploaded } = await closedCase('370982-AMR-XK-002-YX', 3);
    const outcome = await archiveCase('center-demo', caseNo);
    expect(outcome).toMatchObject({ status: 'archived', archive: { retentionClass: '10y', retainUntil: `${new Date(Date.now() + 8 * 3600_000).getUTCFullYear() + 11}-01-01`, objects: 4 } });
    const written = putsUnder(caseNo);
    expect(written.map((p) => p.Key!.split(`${caseNo}/`)[1]).sort()).toEqual([...uploaded.map((u) => `materials/${u.materialId}/${u.fileId}.pdf`), 'manifest.json'].sort());
    for (const p of written) {
      expect(p.ObjectLockMode, p.Key).toBe('COMPLIANCE');
      expect(p.ObjectLockRetainUntilDate, p.Key).toEqual(new Date(`${outcome.status === 'archived' && outcome.archive.retainUntil}T00:00:00+08:00`));
      expect(p.ObjectLockLegalHoldStatus, p.Key).toBeUndefined();
      const digest = createHash('sha256').update(p.Body as Uint8Array).digest('base64');
      expect(p.ChecksumSHA256, p.Key).toBe(digest);
    }
    // Every material in the manifest with the digest its upload check recorded.
    const manifest = JSON.parse(new TextDecoder().decode(written.find((p) => p.Key!.endsWith('manifest.json'))!.Body as Uint8Array));
    expect(manifest.materials.map((m: { sha256: string }) => m.sha256).sort()).toEqual(uploaded.map((u) => u.sha256).sort());
    for (const p of written.filter((w) => w.Key!.includes('/materials/'))) {
      expect(uploaded.map((u) => u.sha256)).toContain(sha256(p.Body as Uint8Array));
    }
    expect(await archiveCase('center-demo', caseNo)).toEqual({ status: 'already archived' });
    expect(putsUnder(caseNo)).toHaveLength(written.length);
    expect(manifest.fileEvents.filter((e: { type: string }) => e.type === 'MaterialReceived')).toHaveLength(3);
  });

  it('permanent: a legal hold on every object and no retention date; the record is never listed for disposition', async () => {
    await setRetention('370982-WJ-GG-001', 'permanent');
    const { caseNo } = await closedCase('370982-WJ-GG-001', 1);
    const outcome = await archiveCase('center-demo', caseNo);
    expect(outcome).toMatchObject({ status: 'archived', archive: { retentionClass: 'permanent' } });
    expect(outcome.status === 'archived' && outcome.archive.retainUntil).toBeUndefined();
    for (const p of putsUnder(caseNo)) {
      expect(p.ObjectLockLegalHoldStatus, p.Key).toBe('ON');
      expect(p.ObjectLockMode, p.Key).toBeUndefined();
      expect(p.ObjectLockRetainUntilDate, p.Key).toBeUndefined();
    }
    // Not on the disposition list's index at all (a list page could miss it for other reasons).
    const record = await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#center-demo#CASEFILES#${caseNo}`, SK: 'ARCHIVE' } }));
    expect(record.Item).toMatchObject({ retentionClass: 'permanent' });
    expect(record.Item!.GSI1PK).toBeUndefined();
  });

  it('bytes that no longer hash to the digest their check recorded stop the package (integrity)', async () => {
    const { caseNo, uploaded } = await closedCase('370982-AMR-XK-003', 1);
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: { PK: `CENTER#center-demo#CASEFILES#${caseNo}`, SK: `FILE#${uploaded[0]!.fileId}` },
      UpdateExpression: 'SET sha256 = :other',
      ExpressionAttributeValues: { ':other': '0'.repeat(64) },
    }));
    await expect(archiveCase('center-demo', caseNo)).rejects.toThrow(/integrity: .* not to its recorded 0{64}/);
    expect(putsUnder(caseNo).filter((p) => p.Key!.endsWith('manifest.json'))).toEqual([]);
  });

  it('a delivery before the seal lands with the seal, a later one as its own supplement: locked like the package, chained to the manifest, once', async () => {
    const { caseNo } = await closedCase('370982-AMR-XK-003', 1);
    const first = await delivered(caseNo, 'SF0000000001');
    const outcome = await archiveCase('center-demo', caseNo);
    if (outcome.status !== 'archived') throw new Error(`not archived: ${outcome.status}`);
    expect(outcome.supplemented).toEqual([`supplements/delivery-${first}.json`]);
    expect(outcome.archive).toMatchObject({ rev: 2, supplements: [{ kind: 'delivery', path: `supplements/delivery-${first}.json`, causedBy: first }] });
    const written = putsUnder(caseNo);
    const manifest = written.find((p) => p.Key!.endsWith('manifest.json'))!;
    const supplement = written.find((p) => p.Key!.endsWith(`delivery-${first}.json`))!;
    expect([supplement.ObjectLockMode, supplement.ObjectLockRetainUntilDate]).toEqual([manifest.ObjectLockMode, manifest.ObjectLockRetainUntilDate]);
    const body = JSON.parse(new TextDecoder().decode(supplement.Body as Uint8Array));
    expect(body).toMatchObject({ previousManifestSha256: sha256(manifest.Body as Uint8Array), delivery: { eventId: first, method: 'mail', trackingNo: 'SF0000000001' } });
    expect(sha256(supplement.Body as Uint8Array)).toBe(outcome.archive.supplements![0]!.sha256);
    // Redelivered: nothing written again.
    expect(await archiveCase('center-demo', caseNo)).toEqual({ status: 'already archived' });
    expect(putsUnder(caseNo)).toHaveLength(written.length);

    const second = await delivered(caseNo, 'SF0000000002');
    expect(await archiveCase('center-demo', caseNo)).toEqual({ status: 'already archived', supplemented: [`supplements/delivery-${second}.json`] });
    const record = await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#center-demo#CASEFILES#${caseNo}`, SK: 'ARCHIVE' } }));
    expect(record.Item).toMatchObject({ rev: 3, manifestSha256: outcome.archive.manifestSha256 });
    expect((record.Item!.supplements as { causedBy: string }[]).map((x) => x.causedBy)).toEqual([first, second]);
  });

  it('measures the package of a case with 10 materials of 1 MB (reported, not asserted)', async () => {
    const { caseNo } = await closedCase('370982-AMR-XK-003', 10, 1024 * 1024);
    const t0 = performance.now();
    const outcome = await archiveCase('center-demo', caseNo);
    const ms = performance.now() - t0;
    expect(outcome).toMatchObject({ status: 'archived', archive: { objects: 11 } });
    console.log(`archive package, 10 materials × 1 MB + manifest: ${ms.toFixed(0)} ms in process`);
  }, 60_000);
});
