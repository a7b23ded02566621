/**
 * The archive routes of the documents Lambda: retrieval (档案调阅, audited),
 * the list of archives whose retention ends, and disposition — proposed by a
 * center admin after the end date, approved by a supervisor who is not the
 * proposer. Nothing is ever deleted without that approval; an approved
 * destruction interrupted halfway is finished by approving again.
 */
import { callerOf, type Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { decodeCursor, pageLimit, pageOf } from '#shared/cursor';
import { conflict, forbidden, notFound, validationFailed } from '#shared/errors';
import type { Operations } from '#shared/http';
import { approvedDisposition, manifestObjects } from './archive-package.ts';
import { destroyObjects, keepLocked, sealedManifest } from './disposal.ts';
import { actorOf, source } from './events.ts';
import { presignDownload } from './objects.ts';
import type { documentRoutes } from './routes.ts';
import { DOWNLOAD_URL_SECONDS } from './rules.ts';
import * as store from './store.ts';

type Ops = Operations<typeof documentRoutes>;
type Account = { verify(item: Record<string, unknown> | undefined): void };

function allow(caller: Caller, action: 'archive.read' | 'archive.disposition.propose' | 'archive.disposition.approve') {
  const why = denial(caller, action, { centerId: caller.centerId, departmentIds: [] });
  if (why) throw forbidden(why);
}

export const archiveView = (a: store.StoredArchive) => {
  const { centerId: _c, bucket: _b, prefix: _p, timeZone: _t, rev: _r, ...shown } = a;
  return shown;
};

async function archiveFor(caller: Caller, caseNo: string, account: Account) {
  const { archive, account: status } = await store.archiveContext(caller.centerId, caseNo, caller.userId);
  account.verify(status);
  if (!archive) throw notFound(`Case ${caseNo} has no archive.`);
  return archive;
}

const destroyed = (a: store.StoredArchive) => conflict(`This archive was destroyed on ${a.disposedAt!.slice(0, 10)} after its retention ended.`);

const retrieveArchive: Ops['retrieveArchive'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.read');
  const archive = await archiveFor(caller, req.params.caseNo, req.account!);
  if (archive.disposedAt) throw destroyed(archive);
  const now = new Date().toISOString();
  await store.recordRetrieval(caller.centerId, archive.caseNo, {
    source, detailType: 'DocumentRetrieved', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['center_admin', 'supervisor', 'auditor']),
    subject: { type: 'case', id: archive.caseNo },
    data: { caseNo: archive.caseNo, what: 'archive', id: archive.location, sha256: archive.manifestSha256 },
  });
  const manifest = await sealedManifest(archive);
  const objects = await Promise.all(manifestObjects(manifest).map(async (o) => ({
    path: o.path,
    sha256: o.sha256,
    url: await presignDownload({ bucket: archive.bucket, key: `${archive.prefix}${o.path}`, fileName: o.path.split('/').pop()!, expiresIn: DOWNLOAD_URL_SECONDS }),
  })));
  return {
    status: 200,
    body: { archive: archiveView(archive), manifest: manifest as unknown as Record<string, unknown>, objects, expiresAt: new Date(Date.parse(now) + DOWNLOAD_URL_SECONDS * 1000).toISOString() },
    headers: { 'cache-control': 'no-store' },
  };
};

const listArchivesDue: Ops['listArchivesDue'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.read');
  const filters = { dueBy: req.query.dueBy };
  const page = await store.archivesDue(caller.centerId, req.query.dueBy, pageLimit(req.query.limit), decodeCursor(req.query.nextToken, filters));
  return { status: 200, body: pageOf({ items: page.items.map(archiveView), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

const today = () => new Date().toISOString().slice(0, 10);

const proposeDisposition: Ops['proposeDisposition'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.disposition.propose');
  const archive = await archiveFor(caller, req.params.caseNo, req.account!);
  if (!archive.retainUntil) throw conflict('A permanent archive (永久) is never disposed.');
  if (archive.disposedAt) throw destroyed(archive);
  if (archive.retainUntil > today()) throw conflict(`The retention runs until ${archive.retainUntil}; disposition comes after.`);
  if (archive.disposition && !archive.disposition.approvedAt) throw conflict('A disposition is already proposed and waiting for approval.');
  if (archive.disposition?.action === 'destroy') throw conflict('A destruction was approved: approve it again to finish it.');
  if (req.body.action === 'retain' && !req.body.retainYears) throw validationFailed([{ path: '/body/retainYears', code: 'required', message: 'is required to keep the archive longer' }]);
  const now = new Date().toISOString();
  const next = await store.updateArchive(archive, {
    ...archive,
    disposition: { action: req.body.action, reason: req.body.reason, ...(req.body.retainYears ? { retainYears: req.body.retainYears } : {}), proposedBy: caller.userId, proposedAt: now },
  }, {
    source, detailType: 'ArchiveDisposition', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['center_admin']),
    subject: { type: 'case', id: archive.caseNo }, data: { caseNo: archive.caseNo, action: req.body.action, step: 'proposed' },
  });
  return { status: 200, body: archiveView(next) };
};

/** Deletes what an approved destruction covers, then records the archive as destroyed. */
async function finishDestruction(caller: Caller, archive: store.StoredArchive) {
  await destroyObjects(archive, await store.caseFiles(archive.centerId, archive.caseNo));
  const now = new Date().toISOString();
  return store.updateArchive(archive, { ...archive, disposedAt: now }, {
    source, detailType: 'ArchiveDisposition', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['supervisor']),
    subject: { type: 'case', id: archive.caseNo }, data: { caseNo: archive.caseNo, action: 'destroy', step: 'destroyed' },
  });
}

const approveDisposition: Ops['approveDisposition'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.disposition.approve');
  const archive = await archiveFor(caller, req.params.caseNo, req.account!);
  const proposal = archive.disposition;
  if (archive.disposedAt) throw destroyed(archive);
  if (!proposal) throw conflict('No disposition is waiting for approval.');
  if (proposal.proposedBy === caller.userId) throw forbidden('A disposition is approved by someone other than its proposer.');
  if (proposal.approvedAt) {
    if (proposal.action !== 'destroy') throw conflict('No disposition is waiting for approval.');
    return { status: 200, body: archiveView(await finishDestruction(caller, archive)) };
  }
  const now = new Date().toISOString();
  const approved = approvedDisposition(archive, caller.userId, now);
  // The lock moves before the record says so: a failure leaves the proposal to approve again.
  if (proposal.action === 'retain') await keepLocked(archive, approved.retainUntil!);
  const next = await store.updateArchive(archive, approved, {
    source, detailType: 'ArchiveDisposition', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['supervisor']),
    subject: { type: 'case', id: archive.caseNo },
    data: { caseNo: archive.caseNo, action: proposal.action, step: 'approved', ...(approved.retainUntil ? { retainUntil: approved.retainUntil } : {}) },
  });
  return { status: 200, body: archiveView(proposal.action === 'destroy' ? await finishDestruction(caller, next) : next) };
};

export const archiveOperations = { retrieveArchive, listArchivesDue, proposeDisposition, approveDisposition };
