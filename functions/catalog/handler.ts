/**
 * The catalog Lambda: service items and their guides (事项与办事指南).
 * Operations validate input, ask workflow.ts whether the action is allowed and
 * hand the write to store.ts; nothing else lives here.
 */
import type { ItemContent, ItemStatus } from '#schemas/api/catalog';
import { msg } from '#schemas/api/problems';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { listingScope, rolesFor } from '#shared/authorization';
import { requiredEnv } from '#shared/db';
import { forbidden, notFound, preconditionFailed, problem } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { lazyImport } from '#shared/lazy-import';
import { cachedPage } from './list-cache.ts';
import { matchesTerms, positionOf, searchPage, termsOf } from './search.ts';
import { departmentsOf } from '../org/public.ts';
import { catalogProblems } from './problems.ts';
import { catalogRoutes } from './routes.ts';
import * as store from './store.ts';
import { catalogPermission, checkContent, mayAdminister, refuse, transitions, type ItemAction, type SchemaCheck } from './workflow.ts';
import type { ServiceMode } from '#schemas/api/common';

type Ops = Operations<typeof catalogRoutes>;

// Ajv compiles administrators' schemas: loaded by the first write whose content has intake fields, not at every cold start.
const loadAdminSchema = lazyImport(() => import('#shared/admin-schema'));
const schemaCheckFor = async (content: ItemContent): Promise<SchemaCheck> => (content.intakeFields ? (await loadAdminSchema()).schemaProblem : () => undefined);

/** If-Match (required by the route) must name the revision the caller read. */
function requireMatch(req: Pick<HttpRequest, 'headers'>, current: store.StoredVersion) {
  if (ifMatch(req) !== store.versionTag(current)) {
    throw preconditionFailed(msg('此版本在您读取后已被修改；请重新读取后再试。', 'The version changed since you read it; read it again and retry.'));
  }
}

/** A version as administrators read it, with its ETag: the answer of every write and action on it. */
const withTag = (v: store.StoredVersion, status = 200, extra: Record<string, string> = {}): HttpResult => ({
  status,
  body: store.publicVersion(v),
  headers: { etag: etag(store.versionTag(v)), ...extra },
});

const noVersion = (code: string, version: number) => notFound(msg(`事项 ${code} 没有第 ${version} 版。`, `Item ${code} has no version ${version}.`));
const noItem = (code: string) => notFound(msg(`事项 ${code} 不存在。`, `Item ${code} does not exist.`));

/** The item head the path names, read with the request's account and idempotency checks; 404 when absent. */
async function namedHead(req: Pick<HttpRequest, 'checks'> & { params: { code: string } }, caller: Caller) {
  const ctx = await store.adminContext(caller.centerId, req.params.code, { head: true }, req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (!ctx.head) throw noItem(req.params.code);
  return ctx.head;
}

/** The version the path names, read with the request's account and idempotency checks (and the head when asked); 404 when absent. */
async function namedVersion(req: Pick<HttpRequest, 'checks'> & { params: { code: string; version: string } }, caller: Caller, head = false) {
  const { code } = req.params;
  const version = Number(req.params.version);
  const ctx = await store.adminContext(caller.centerId, code, { version, head }, req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (!ctx.version) throw noVersion(code, version);
  return { ...ctx, version: ctx.version };
}

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

const listPublishedItems: Ops['listPublishedItems'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  // The center is a filter here (public routes are bound to no caller's center): a token of one center's list fails on another's.
  const filters = {
    centerId,
    ...(req.query.departmentId ? { departmentId: req.query.departmentId } : {}),
    ...(req.query.serviceMode ? { serviceMode: req.query.serviceMode } : {}),
  };
  if (req.query.q !== undefined) return searchPublishedItems(centerId, filters, req.query.q, req);
  const start = req.pages.start(filters);
  const page = await cachedPage(JSON.stringify([filters, req.pages.limit, start ?? null]), () => store.listPublished(centerId, filters, req.pages.limit, start));
  return { status: 200, body: req.pages.page(page, filters), headers: { 'cache-control': 'public, max-age=60' } };
};

/**
 * A keyword search reads the center's whole public list (a center publishes
 * hundreds of items, ~250 bytes each: one or two Query pages) and its
 * departments' names, both kept a while like the list's pages, and filters in
 * memory: DynamoDB's `contains` is case- and width-sensitive and would leave
 * pages short or empty under a filter.
 */
async function searchPublishedItems(
  centerId: string,
  filters: { centerId: string; departmentId?: string; serviceMode?: ServiceMode },
  q: string,
  req: Parameters<Ops['listPublishedItems']>[0],
) {
  const withQuery = { ...filters, q };
  const after = req.pages.start(withQuery)?.after;
  const [listed, departments] = await Promise.all([
    cachedPage(JSON.stringify(['all', centerId, filters.departmentId ?? null]), () => store.allPublished(centerId, filters.departmentId)),
    cachedPage(JSON.stringify(['departments', centerId]), () => departmentsOf(centerId)),
  ]);
  const names = new Map(departments.map((d) => [d.departmentId, d.name]));
  const terms = termsOf(q);
  const matches = listed
    .filter((i) => (!filters.serviceMode || i.serviceMode === filters.serviceMode) && matchesTerms(i, names.get(i.departmentId), terms))
    .sort((a, b) => (positionOf(a) < positionOf(b) ? -1 : 1));
  const page = searchPage(matches, req.pages.limit, typeof after === 'string' ? after : undefined);
  return { status: 200, body: req.pages.page({ items: page.items, ...(page.next ? { lastKey: { after: page.next } } : {}) }, withQuery), headers: { 'cache-control': 'public, max-age=60' } };
}

const getPublishedItem: Ops['getPublishedItem'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const code = req.params.code;
  if (req.query.version) {
    const v = await store.getVersion(centerId, code, Number(req.query.version));
    if (!v || v.publishedAt === undefined) throw notFound(msg(`事项 ${code} 没有已发布的第 ${req.query.version} 版。`, `Item ${code} has no published version ${req.query.version}.`));
    return { status: 200, body: store.publicItem(v), headers: { 'cache-control': 'public, max-age=3600' } };
  }
  const head = await store.getHead(centerId, code);
  if (!head?.published) throw notFound(msg(`事项 ${code} 未发布。`, `Item ${code} is not published.`));
  return { status: 200, body: store.publicItem(head.published), headers: { 'cache-control': 'public, max-age=60' } };
};

const listItems: Ops['listItems'] = async (req) => {
  const caller = callerOf(req.event);
  const scope = listingScope(caller, catalogPermission, req.query.departmentId);
  const filters = { ...scope, ...(req.query.status ? { status: req.query.status } : {}) };
  const page = await store.listVersions(caller.centerId, filters, req.pages.limit, req.pages.start(filters));
  return { status: 200, body: req.pages.page(page, filters) };
};

const createItem: Ops['createItem'] = async (req) => {
  const caller = callerOf(req.event);
  const { code, content } = req.body;
  const refusal = refuse('create', caller, { centerId: caller.centerId, departmentId: content.departmentId });
  if (refusal) throw refusal;
  checkContent(content, await schemaCheckFor(content));
  const now = new Date().toISOString();
  const v: store.StoredVersion = { centerId: caller.centerId, code, version: 1, status: 'draft', content, createdAt: now, createdBy: caller.userId, updatedAt: now, rev: 1 };
  const result = withTag(v, 201, { location: `/admin/items/${code}/versions/1` });
  await store.createItem(v, eventFor('create', caller, v, undefined, now), req.idempotency?.record(result));
  return result;
};

const getItemVersion: Ops['getItemVersion'] = async (req) => {
  const caller = callerOf(req.event);
  const { version: v } = await namedVersion(req, caller);
  if (!mayAdminister(caller, { centerId: v.centerId, departmentId: v.content.departmentId })) {
    throw forbidden(msg(`您不能查看部门 ${v.content.departmentId} 未发布的版本。`, `You may not read unpublished versions of department ${v.content.departmentId}.`));
  }
  return withTag(v);
};

const createItemVersion: Ops['createItemVersion'] = async (req) => {
  const caller = callerOf(req.event);
  const { code } = req.params;
  const head = await namedHead(req, caller);
  const refusal = refuse('newVersion', caller, { centerId: head.centerId, departmentId: head.departmentId });
  if (refusal) throw refusal;
  // Retiring ends an item: a retired code is kept for the record and never published again.
  if (head.retiredAt) {
    throw problem(catalogProblems['item-retired'], msg(`事项 ${code} 已取消；请用新的编码新建事项。`, `Item ${code} was retired; create a new item with a new code.`));
  }
  if (!head.published || head.latestVersion !== head.publishedVersion) {
    throw problem(catalogProblems['version-open'], msg(`事项 ${code} 的第 ${head.latestVersion} 版尚未发布；请修改该版本。`, `Version ${head.latestVersion} of ${code} is still open; edit it instead.`));
  }
  const now = new Date().toISOString();
  const v: store.StoredVersion = {
    centerId: caller.centerId, code, version: head.latestVersion + 1, status: 'draft', content: head.published.content,
    createdAt: now, createdBy: caller.userId, updatedAt: now, rev: 1,
  };
  const result = withTag(v, 201, { location: `/admin/items/${code}/versions/${v.version}` });
  await store.createNextVersion(head, v, eventFor('newVersion', caller, v, undefined, now), req.idempotency?.record(result));
  return result;
};

const updateItemVersion: Ops['updateItemVersion'] = async (req) => {
  const caller = callerOf(req.event);
  const { version: current } = await namedVersion(req, caller);
  const refusal = refuse('update', caller, { centerId: current.centerId, departmentId: current.content.departmentId, status: current.status });
  if (refusal) throw refusal;
  requireMatch(req, current);
  const { content } = req.body;
  // Moving an item to another department needs the right to administer that one too.
  const moved = refuse('update', caller, { centerId: current.centerId, departmentId: content.departmentId });
  if (moved) throw moved;
  checkContent(content, await schemaCheckFor(content));
  const now = new Date().toISOString();
  const { reviewReason: _dropped, ...rest } = current;
  const next: store.StoredVersion = { ...rest, content, status: 'draft', updatedAt: now, rev: current.rev + 1 };
  const result = withTag(next);
  await store.saveVersion(next, current.rev, eventFor('update', caller, next, current.status, now), req.idempotency?.record(result));
  return result;
};

const actOnItemVersion: Ops['actOnItemVersion'] = async (req) => {
  const caller = callerOf(req.event);
  const { code, action } = req.params;
  const body = req.body;
  const ctx = await namedVersion(req, caller, action === 'publish');
  const current = ctx.version;
  const refusal = refuse(action, caller, { centerId: current.centerId, departmentId: current.content.departmentId, status: current.status, ...(current.submittedBy ? { submittedBy: current.submittedBy } : {}) }, body);
  if (refusal) throw refusal;
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
  const result = withTag(next);
  if (action === 'publish') {
    if (!ctx.head) throw new Error(`item ${code} has a version but no head`);
    const superseded = ctx.head.published?.version;
    await store.publishVersion(next, current.rev, ctx.head, eventFor(action, caller, next, current.status, now, superseded ? { supersededVersion: superseded } : {}), req.idempotency?.record(result));
  } else {
    await store.saveVersion(next, current.rev, eventFor(action, caller, next, current.status, now, body.reason ? { reason: body.reason } : {}), req.idempotency?.record(result));
  }
  return result;
};

const retireItem: Ops['retireItem'] = async (req) => {
  const caller = callerOf(req.event);
  const { code } = req.params;
  const head = await namedHead(req, caller);
  if (head.publishedVersion === undefined) {
    throw problem(catalogProblems['item-not-published'], msg(`事项 ${code} 未发布，无需取消。`, `Item ${code} is not published.`));
  }
  // The If-Match is the published version's ETag: its revision lives on the version, not on the head's copy.
  const current = await store.getVersion(caller.centerId, code, head.publishedVersion, true);
  if (!current) throw new Error(`item ${code} names published version ${head.publishedVersion}, which is missing`);
  const refusal = refuse('retire', caller, { centerId: current.centerId, departmentId: current.content.departmentId, status: current.status });
  if (refusal) throw refusal;
  requireMatch(req, current);
  const now = new Date().toISOString();
  const next: store.StoredVersion = { ...current, status: 'retired', retiredAt: now, updatedAt: now, rev: current.rev + 1 };
  const result = withTag(next);
  await store.retireItem(next, current.rev, head, eventFor('retire', caller, next, current.status, now), req.idempotency?.record(result));
  return result;
};

export const handler = httpHandler(catalogRoutes, {
  listPublishedItems,
  getPublishedItem,
  listItems,
  createItem,
  getItemVersion,
  createItemVersion,
  updateItemVersion,
  actOnItemVersion,
  retireItem,
});
