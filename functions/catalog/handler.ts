/**
 * The catalog Lambda: service items and their guides (事项与办事指南).
 * Operations validate input, ask workflow.ts whether the action is allowed and
 * hand the write to store.ts; nothing else lives here.
 */
import type { ItemContent, ItemStatus } from '#schemas/api/catalog';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { listingScope, rolesFor } from '#shared/authorization';
import { decodeCursor, pageLimit, pageOf } from '#shared/cursor';
import { requiredEnv } from '#shared/db';
import { conflict, forbidden, notFound, preconditionFailed, validationFailed } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult } from '#shared/http';
import { catalogRoutes } from './routes.ts';
import * as store from './store.ts';
import { catalogPermission, contentErrors, mayAdminister, refuse, transitions, type ItemAction, type Refusal } from './workflow.ts';

function fail(refusal: Refusal): never {
  if (refusal.kind === 'forbidden') throw forbidden(refusal.detail);
  if (refusal.kind === 'conflict') throw conflict(refusal.detail);
  throw validationFailed(refusal.errors);
}

function checkContent(content: ItemContent) {
  const errors = contentErrors(content);
  if (errors.length) throw validationFailed(errors);
}

/** If-Match (required by the route) must name the revision the caller read. */
function requireMatch(req: HttpRequest, current: store.StoredVersion) {
  if (ifMatch(req) !== store.versionTag(current)) throw preconditionFailed('The version changed since you read it; read it again and retry.');
}

const withTag = (v: store.StoredVersion, status = 200, extra: Record<string, string> = {}): HttpResult => ({
  status,
  body: store.publicVersion(v),
  headers: { etag: etag(store.versionTag(v)), ...extra },
});

function eventFor(action: ItemAction, caller: Caller, v: store.StoredVersion, fromStatus: ItemStatus | undefined, now: string, extra: { reason?: string; supersededVersion?: number } = {}): store.CatalogEvent {
  const t = transitions[action];
  return {
    source: 'onestop.catalog',
    detailType: t.event,
    centerId: caller.centerId,
    occurredAt: now,
    actor: { id: caller.userId, role: actingRole(caller, rolesFor(catalogPermission)), ...(caller.departmentId ? { departmentId: caller.departmentId } : {}) },
    subject: { type: 'item', id: v.code },
    data: {
      code: v.code,
      version: v.version,
      departmentId: v.content.departmentId,
      name: v.content.name,
      ...(fromStatus ? { fromStatus } : {}),
      toStatus: v.status,
      ...extra,
    },
  };
}

/** Administrators read for a write (or to get the ETag for one): strongly consistent. */
async function readVersion(caller: Caller, code: string, version: number) {
  const v = await store.getVersion(caller.centerId, code, version, true);
  if (!v) throw notFound(`Item ${code} has no version ${version}.`);
  return v;
}

export const handler = httpHandler(catalogRoutes, {
  async listPublishedItems(req) {
    const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
    const filter = {
      centerId,
      ...(req.query.departmentId ? { departmentId: req.query.departmentId } : {}),
      ...(req.query.serviceMode ? { serviceMode: req.query.serviceMode } : {}),
    };
    const page = await store.listPublished(centerId, filter, pageLimit(req.query.limit), decodeCursor(req.query.nextToken, filter));
    return { status: 200, body: pageOf(page, filter), headers: { 'cache-control': 'public, max-age=60' } };
  },

  async getPublishedItem(req) {
    const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
    const code = req.params.code;
    if (req.query.version) {
      const v = await store.getVersion(centerId, code, Number(req.query.version));
      if (!v || v.publishedAt === undefined) throw notFound(`Item ${code} has no published version ${req.query.version}.`);
      return { status: 200, body: store.publicItem(v), headers: { 'cache-control': 'public, max-age=3600' } };
    }
    const head = await store.getHead(centerId, code);
    if (!head?.published) throw notFound(`Item ${code} is not published.`);
    return { status: 200, body: store.publicItem(head.published), headers: { 'cache-control': 'public, max-age=60' } };
  },

  async listItems(req) {
    const caller = callerOf(req.event);
    const scope = listingScope(caller, catalogPermission, req.query.departmentId);
    if (typeof scope === 'string') throw forbidden(scope);
    const filter = { ...scope, ...(req.query.status ? { status: req.query.status } : {}) };
    const signed = { centerId: caller.centerId, ...filter };
    const page = await store.listVersions(caller.centerId, filter, pageLimit(req.query.limit), decodeCursor(req.query.nextToken, signed));
    return { status: 200, body: pageOf(page, signed) };
  },

  async createItem(req) {
    const caller = callerOf(req.event);
    const { code, content } = req.body;
    const refusal = refuse('create', caller, { centerId: caller.centerId, departmentId: content.departmentId });
    if (refusal) fail(refusal);
    checkContent(content);
    const now = new Date().toISOString();
    const v: store.StoredVersion = { centerId: caller.centerId, code, version: 1, status: 'draft', content, createdAt: now, createdBy: caller.userId, updatedAt: now, rev: 1 };
    await store.createItem(v, eventFor('create', caller, v, undefined, now));
    return withTag(v, 201, { location: `/admin/items/${code}/versions/1` });
  },

  async getItemVersion(req) {
    const caller = callerOf(req.event);
    const code = req.params.code;
    const version = Number(req.params.version);
    const v = await readVersion(caller, code, version);
    if (!mayAdminister(caller, { centerId: v.centerId, departmentId: v.content.departmentId })) throw forbidden(`You may not read unpublished versions of department ${v.content.departmentId}.`);
    return withTag(v);
  },

  async createItemVersion(req) {
    const caller = callerOf(req.event);
    const code = req.params.code;
    const head = await store.getHead(caller.centerId, code, true);
    if (!head) throw notFound(`Item ${code} does not exist.`);
    const refusal = refuse('newVersion', caller, { centerId: head.centerId, departmentId: head.departmentId });
    if (refusal) fail(refusal);
    // Retiring ends an item: a retired code is kept for the record and never published again.
    if (head.retiredAt) throw conflict(`Item ${code} was retired; create a new item with a new code.`);
    if (!head.published) throw conflict(`Item ${code} has no published version to start from; edit version ${head.latestVersion}.`);
    if (head.latestVersion !== head.publishedVersion) throw conflict(`Version ${head.latestVersion} of ${code} is still open; edit it instead.`);
    const now = new Date().toISOString();
    const v: store.StoredVersion = {
      centerId: caller.centerId, code, version: head.latestVersion + 1, status: 'draft', content: head.published.content,
      createdAt: now, createdBy: caller.userId, updatedAt: now, rev: 1,
    };
    await store.createNextVersion(head, v, eventFor('newVersion', caller, v, undefined, now));
    return withTag(v, 201, { location: `/admin/items/${code}/versions/${v.version}` });
  },

  async updateItemVersion(req) {
    const caller = callerOf(req.event);
    const code = req.params.code;
    const version = Number(req.params.version);
    const current = await readVersion(caller, code, version);
    const refusal = refuse('update', caller, { centerId: current.centerId, departmentId: current.content.departmentId, status: current.status });
    if (refusal) fail(refusal);
    requireMatch(req, current);
    const { content } = req.body;
    // Moving an item to another department needs the right to administer that one too.
    const moved = refuse('update', caller, { centerId: current.centerId, departmentId: content.departmentId });
    if (moved) fail(moved);
    checkContent(content);
    const now = new Date().toISOString();
    const { reviewReason: _dropped, ...rest } = current;
    const next: store.StoredVersion = { ...rest, content, status: 'draft', updatedAt: now, rev: current.rev + 1 };
    await store.saveVersion(next, current.rev, eventFor('update', caller, next, current.status, now));
    return withTag(next);
  },

  async actOnItemVersion(req) {
    const caller = callerOf(req.event);
    const code = req.params.code;
    const version = Number(req.params.version);
    const action = req.params.action;
    const body = req.body;
    const { version: current, head } =
      action === 'publish' ? await store.getVersionAndHead(caller.centerId, code, version) : { version: await store.getVersion(caller.centerId, code, version), head: undefined };
    if (!current) throw notFound(`Item ${code} has no version ${version}.`);
    const refusal = refuse(action, caller, { centerId: current.centerId, departmentId: current.content.departmentId, status: current.status, ...(current.submittedBy ? { submittedBy: current.submittedBy } : {}) }, body);
    if (refusal) fail(refusal);
    requireMatch(req, current);
    const now = new Date().toISOString();
    const next: store.StoredVersion = {
      ...current,
      status: transitions[action].to,
      updatedAt: now,
      rev: current.rev + 1,
      // A resubmission starts a new review: the previous verdict must not travel with it.
      ...(action === 'submit' ? { submittedBy: caller.userId, reviewedBy: undefined, reviewReason: undefined } : {}),
      ...(action === 'approve' || action === 'reject' ? { reviewedBy: caller.userId, ...(body.reason ? { reviewReason: body.reason } : {}) } : {}),
      ...(action === 'publish' ? { publishedAt: now } : {}),
    };
    if (action === 'publish') {
      if (!head) throw new Error(`item ${code} has a version but no head`);
      const superseded = head.published?.version;
      await store.publishVersion(next, current.rev, head, eventFor(action, caller, next, current.status, now, superseded ? { supersededVersion: superseded } : {}));
    } else {
      await store.saveVersion(next, current.rev, eventFor(action, caller, next, current.status, now, body.reason ? { reason: body.reason } : {}));
    }
    return withTag(next);
  },

  async retireItem(req) {
    const caller = callerOf(req.event);
    const code = req.params.code;
    const head = await store.getHead(caller.centerId, code, true);
    if (!head) throw notFound(`Item ${code} does not exist.`);
    if (head.publishedVersion === undefined) throw conflict(`Item ${code} is not published.`);
    const current = await readVersion(caller, code, head.publishedVersion);
    const refusal = refuse('retire', caller, { centerId: current.centerId, departmentId: current.content.departmentId, status: current.status });
    if (refusal) fail(refusal);
    requireMatch(req, current);
    const now = new Date().toISOString();
    const next: store.StoredVersion = { ...current, status: 'retired', retiredAt: now, updatedAt: now, rev: current.rev + 1 };
    await store.retireItem(next, current.rev, head, eventFor('retire', caller, next, current.status, now));
    return withTag(next);
  },
});
