/**
 * The archive routes of the documents Lambda: retrieval (档案调阅, audited),
 * the list of archives whose retention ends, and disposition — proposed by a
 * center admin after the end date, approved by a supervisor who is not the
 * proposer. Nothing is ever deleted without that approval; an approved
 * destruction interrupted halfway is finished by approving again. Each
 * disposition step answers with the archive record as GET /archives/{caseNo}
 * shows it, and its ETag (the record's revision).
 */
import { msg } from '#schemas/api/problems';
import { callerOf, type Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { forbidden, gone, notFound, preconditionFailed, problem } from '#shared/errors';
import { etag, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import type { IdempotencyScope } from '#shared/idempotency';
import { approvedDisposition } from './archive-package.ts';
import { destroyObjects, keepLocked, packageObjects, sealedManifest } from './disposal.ts';
import { actorOf, source } from './events.ts';
import { contentDisposition, presignDownload } from './objects.ts';
import { documentsProblems } from './problems.ts';
import type { documentRoutes } from './routes.ts';
import { DOWNLOAD_URL_SECONDS } from './rules.ts';
import * as store from './store.ts';
import { archiveTag, archiveView } from './views.ts';

type Ops = Operations<typeof documentRoutes>;

function allow(caller: Caller, action: 'archive.read' | 'archive.disposition.propose' | 'archive.disposition.approve') {
  const why = denial(caller, action, { centerId: caller.centerId, departmentIds: [] });
  if (why) throw forbidden(why);
}

/** The archive record (404 when the case has none), the request's checks settled: one BatchGetItem. */
async function archiveFor(req: Pick<HttpRequest, 'checks'>, caller: Caller, caseNo: string) {
  const { archive, found } = await store.archiveContext(caller.centerId, caseNo, req.checks!.keys);
  req.checks!.settle(found);
  if (!archive) throw notFound(msg(`办件 ${caseNo} 没有档案。`, `Case ${caseNo} has no archive.`));
  return archive;
}

const destroyedOn = (a: store.StoredArchive) => a.disposedAt!.slice(0, 10);

/** The record as a disposition step leaves it, with its ETag. */
const archiveResult = (a: store.StoredArchive): HttpResult => ({ status: 200, body: archiveView(a), headers: { etag: etag(archiveTag(a)) } });

/** 412 when the client names a revision (If-Match) that is no longer current; without If-Match the step acts on the revision it reads. */
function assertRevision(req: Pick<HttpRequest, 'headers'>, a: store.StoredArchive): void {
  const named = ifMatch(req);
  if (named !== undefined && named !== archiveTag(a)) {
    throw preconditionFailed(msg('档案在您读取后已有变化；请重新读取后再试。', 'The archive changed since you read it; read it again and retry.'));
  }
}

const retrieveArchive: Ops['retrieveArchive'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.read');
  const archive = await archiveFor(req, caller, req.params.caseNo);
  if (archive.disposedAt) {
    throw gone(msg(`此档案保管期满后已于 ${destroyedOn(archive)} 销毁。`, `This archive was destroyed on ${destroyedOn(archive)} after its retention ended.`));
  }
  const now = new Date().toISOString();
  await store.recordRetrieval(caller.centerId, archive.caseNo, {
    source, detailType: 'DocumentRetrieved', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['center_admin', 'supervisor', 'auditor']),
    subject: { type: 'case', id: archive.caseNo },
    data: { caseNo: archive.caseNo, what: 'archive', id: archive.location, sha256: archive.manifestSha256 },
  });
  const manifest = await sealedManifest(archive);
  const objects = await Promise.all(packageObjects(archive, manifest).map(async (o) => {
    const name = o.path.split('/').pop()!;
    return {
      path: o.path,
      sha256: o.sha256,
      url: await presignDownload({ bucket: archive.bucket, key: `${archive.prefix}${o.path}`, disposition: contentDisposition(name, name), expiresIn: DOWNLOAD_URL_SECONDS }),
    };
  }));
  return {
    status: 200,
    body: { archive: archiveView(archive), manifest: manifest as unknown as Record<string, unknown>, objects, expiresAt: new Date(Date.parse(now) + DOWNLOAD_URL_SECONDS * 1000).toISOString() },
    headers: { 'cache-control': 'no-store', etag: etag(archiveTag(archive)) },
  };
};

const listArchivesDue: Ops['listArchivesDue'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.read');
  const filters = { dueBy: req.query.dueBy };
  const page = await store.archivesDue(caller.centerId, req.query.dueBy, req.pages.limit, req.pages.start(filters));
  return { status: 200, body: req.pages.page({ items: page.items.map(archiveView), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

const today = () => new Date().toISOString().slice(0, 10);

const destroyed = (a: store.StoredArchive) =>
  problem(documentsProblems['archive-destroyed'], msg(`此档案保管期满后已于 ${destroyedOn(a)} 销毁。`, `This archive was destroyed on ${destroyedOn(a)} after its retention ended.`));

const proposeDisposition: Ops['proposeDisposition'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.disposition.propose');
  const archive = await archiveFor(req, caller, req.params.caseNo);
  assertRevision(req, archive);
  if (!archive.retainUntil) throw problem(documentsProblems['archive-permanent'], msg('永久保管的档案不进行处置。', 'A permanent archive (永久) is never disposed.'));
  if (archive.disposedAt) throw destroyed(archive);
  if (archive.retainUntil > today()) {
    throw problem(documentsProblems['retention-running'], msg(`保管期限至 ${archive.retainUntil}，期满后方可处置。`, `The retention runs until ${archive.retainUntil}; disposition comes after.`));
  }
  if (archive.disposition && !archive.disposition.approvedAt) throw problem(documentsProblems['disposition-pending'], msg('已有处置意见待审批。', 'A disposition is already proposed and waiting for approval.'));
  if (archive.disposition?.action === 'destroy') throw problem(documentsProblems['destruction-approved'], msg('销毁已批准但尚未完成：请再次审批以完成销毁。', 'A destruction was approved: approve it again to finish it.'));
  if (req.body.action === 'retain' && !req.body.retainYears) {
    throw problem(documentsProblems['retain-years-required'], msg('继续保存须注明延长的年限。', 'Keeping the archive longer needs the years to add.'), [
      { path: '/body/retainYears', code: 'required', message: msg('继续保存时必填', 'is required to keep the archive longer') },
    ]);
  }
  const now = new Date().toISOString();
  const next: store.StoredArchive = {
    ...archive,
    disposition: { action: req.body.action, reason: req.body.reason, ...(req.body.retainYears ? { retainYears: req.body.retainYears } : {}), proposedBy: caller.userId, proposedAt: now },
    rev: archive.rev + 1,
  };
  const result = archiveResult(next);
  await store.updateArchive(next, {
    source, detailType: 'ArchiveDisposition', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['center_admin']),
    subject: { type: 'case', id: archive.caseNo }, data: { caseNo: archive.caseNo, action: req.body.action, step: 'proposed' },
  }, req.idempotency?.record(result));
  return result;
};

/** Deletes what an approved destruction covers, then records the archive as destroyed (the request's outcome with it). */
async function finishDestruction(caller: Caller, archive: store.StoredArchive, idempotency: IdempotencyScope | undefined): Promise<HttpResult> {
  await destroyObjects(archive, await store.caseFiles(archive.centerId, archive.caseNo));
  const now = new Date().toISOString();
  const next: store.StoredArchive = { ...archive, disposedAt: now, rev: archive.rev + 1 };
  const result = archiveResult(next);
  await store.updateArchive(next, {
    source, detailType: 'ArchiveDisposition', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['supervisor']),
    subject: { type: 'case', id: archive.caseNo }, data: { caseNo: archive.caseNo, action: 'destroy', step: 'destroyed' },
  }, idempotency?.record(result));
  return result;
}

const approveDisposition: Ops['approveDisposition'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.disposition.approve');
  const archive = await archiveFor(req, caller, req.params.caseNo);
  assertRevision(req, archive);
  const proposal = archive.disposition;
  const nothingWaiting = () => problem(documentsProblems['no-disposition-proposed'], msg('没有待审批的处置意见。', 'No disposition is waiting for approval.'));
  if (archive.disposedAt) throw destroyed(archive);
  if (!proposal) throw nothingWaiting();
  if (proposal.proposedBy === caller.userId) {
    throw problem(documentsProblems['disposition-self-approval'], msg('处置意见须由提出人以外的人员审批。', 'A disposition is approved by someone other than its proposer.'));
  }
  if (proposal.approvedAt) {
    if (proposal.action !== 'destroy') throw nothingWaiting();
    return finishDestruction(caller, archive, req.idempotency);
  }
  const now = new Date().toISOString();
  const approved: store.StoredArchive = { ...approvedDisposition(archive, caller.userId, now), rev: archive.rev + 1 };
  const event = {
    source, detailType: 'ArchiveDisposition' as const, centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['supervisor']),
    subject: { type: 'case' as const, id: archive.caseNo },
    data: { caseNo: archive.caseNo, action: proposal.action, step: 'approved' as const, ...(approved.retainUntil ? { retainUntil: approved.retainUntil } : {}) },
  };
  if (proposal.action === 'destroy') {
    // The approval is recorded before anything is deleted; the request's outcome comes with the destruction.
    await store.updateArchive(approved, event);
    return finishDestruction(caller, approved, req.idempotency);
  }
  // The lock moves before the record says so: a failure leaves the proposal to approve again.
  await keepLocked(archive, approved.retainUntil!);
  const result = archiveResult(approved);
  await store.updateArchive(approved, event, req.idempotency?.record(result));
  return result;
};

export const archiveOperations = { retrieveArchive, listArchivesDue, proposeDisposition, approveDisposition };
