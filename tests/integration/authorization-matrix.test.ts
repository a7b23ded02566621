/**
 * The authorization matrix over HTTP: every route of the API × every role
 * × own/other department × own/other center, each cell asserting its status;
 * the public routes are called by anyone, without a token.
 * Callers are synthetic users whose tokens the local issuer's key signs, so
 * every combination exists. Expectations are written out here, apart from
 * functions/shared/authorization.ts and the lifecycle tables, so a change to
 * the rules fails a cell. A last test proves the cells exercise every `jwt`
 * route of infra/routes.ts (and the public test every `public` one), by
 * matching each request's method and path against the route templates.
 *
 * Applicants' own routes are covered too: a synthetic applicant has no
 * profile, so for them reaching the domain (404 "not registered", 409
 * `registration-required`) is the allowed outcome and 403 the refused one.
 * A synthetic applicant is never the owner of a fixture: for it a case or an
 * evaluation is another applicant's (404). The owner's cells are apart: the
 * fixture's own applicant (a real account) on each route addressed to its case
 * or evaluation.
 *
 * Fixtures belong to department `amr` of center `center-demo`; "own
 * department" callers are of `amr`, "other department" ones of `housing`,
 * "other center" ones of `center-other`. One exception: `giveJointOpinion`
 * is tried on a joint case led by `housing` with `amr` as co-department.
 *
 * A clerk authorized for several departments (综合窗口) adds two rows to every
 * route a clerk may use in its department: one of housing (primary), health
 * and amr is allowed as amr's own clerk is; one of housing, health and tax (a
 * fourth department) is refused as housing's clerk is.
 *
 * Speed: cells run concurrently (8 at a time). A cell gets a fixture of its
 * own only when it is expected to change it (an allowed write); every other
 * cell of a route shares one. Lifecycle actions are tried on terminal fixtures
 * (a refused case, a withdrawn joint case, a rated evaluation) with their right
 * ETag, so every allowed actor meets 409 wrong-state and nothing changes.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { userRoles, type UserRole } from '#schemas/api/common';
import { problemUri } from '#schemas/api/problems';
import { apiRoutes } from '../../infra/routes.ts';
import { demoItems } from '../../local/seed/items.ts';
import { api, call, centerDayAt, cloud, freshCode, freshCreditCode, freshIdNumber, registerApplicant, tokenOf, until, verificationTicket } from './api-client.ts';
import { itemByMode, materialsOf } from './cases-client.ts';
import { immediateItem, put as putBytes, samples, type Slot } from './documents-client.ts';
import { onlineRating } from './evaluation-client.ts';

// The cells are independent requests: 8 at a time (vitest's default is 5).
vi.setConfig({ maxConcurrency: 8 });

const { kid, privateKeyPem } = JSON.parse(readFileSync(path.join(cloud.dataDir, 'issuer-key.json'), 'utf8')) as { kid: string; privateKeyPem: string };
const departmentScoped: readonly UserRole[] = ['clerk', 'approver', 'dept_admin', 'dept_head'];

const tokens = new Map<string, { token: string; at: number }>();
type Dept = 'own' | 'other' | 'several' | 'severalOther';
/** The department claims of each kind of caller: `several` names amr last, so it is never the primary one. */
const departmentClaims: Record<Dept, Record<string, string>> = {
  own: { 'custom:departmentId': 'amr' },
  other: { 'custom:departmentId': 'housing' },
  several: { 'custom:departmentId': 'housing', 'custom:departmentIds': 'housing,health,amr' },
  severalOther: { 'custom:departmentId': 'housing', 'custom:departmentIds': 'housing,health,tax' },
};
function tokenFor(role: UserRole, dept: Dept, center: 'own' | 'other'): string {
  const key = `${role}-${dept}-${center}`;
  const cached = tokens.get(key);
  if (cached && Date.now() - cached.at < 600_000) return cached.token;
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: `matrix-${key}`,
    'cognito:username': `matrix.${role}`,
    'cognito:groups': [role],
    'custom:centerId': center === 'own' ? 'center-demo' : 'center-other',
    ...(departmentScoped.includes(role) ? departmentClaims[dept] : {}),
    token_use: 'id', aud: cloud.clientId, iss: cloud.issuerUrl, iat: now, exp: now + 900,
  };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(claims)}`;
  const token = `${input}.${createSign('sha256').update(input).sign(privateKeyPem, 'base64url')}`;
  tokens.set(key, { token, at: Date.now() });
  return token;
}

/** A request; the body is parsed as JSON when it is JSON, kept as text otherwise (the audit export). */
async function send(token: string | undefined, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${api}${p}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as any };
}

// ---- which declared route a request reaches -------------------------------------------------------
const isParam = (segment: string) => /^\{[^}]+\}$/.test(segment);
/**
 * The route key (`METHOD /template`) of apiRoutes that a concrete request
 * reaches, as API Gateway picks it: among the templates that match, the one
 * with a literal segment where the others have a parameter.
 */
function routeKeyOf(method: string, concretePath: string): string {
  const segments = concretePath.split('?')[0]!.split('/').slice(1);
  const matching = apiRoutes
    .filter((r) => r.method === method)
    .map((r) => ({ key: `${r.method} ${r.path}`, template: r.path.split('/').slice(1) }))
    .filter(({ template }) => template.length === segments.length && template.every((t, i) => isParam(t) || t === decodeURIComponent(segments[i]!)));
  if (matching.length === 0) throw new Error(`no declared route serves ${method} ${concretePath}`);
  const specificity = (template: string[]) => template.map((t) => (isParam(t) ? '0' : '1')).join('');
  matching.sort((a, b) => specificity(b.template).localeCompare(specificity(a.template)));
  if (matching.length > 1 && specificity(matching[0]!.template) === specificity(matching[1]!.template)) {
    throw new Error(`${method} ${concretePath} matches ${matching.map((m) => m.key).join(' and ')}`);
  }
  return matching[0]!.key;
}
const declared = (access: 'jwt' | 'public') => apiRoutes.filter((r) => r.access === access).map((r) => `${r.method} ${r.path}`).sort();

// ---- fixtures, made by real demo users ------------------------------------------------------------
type Fixture = { id: string; etag: string; /** The applicant who owns it (username), for the owner's cells; zhang.san by default. */ owner?: string };

/** Memoized: one fixture for every caller of it. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

const content = demoItems.find((i) => i.content.departmentId === 'amr' && i.content.serviceMode === 'promised')!.content;

async function item(stage: 'draft' | 'submitted' | 'approved' | 'published') {
  const code = freshCode('MX');
  let res = await call('POST', '/admin/items', { as: 'admin.amr', body: { code, content } });
  const steps = [['submit', 'admin.amr'], ['approve', 'center.admin'], ['publish', 'admin.amr']] as const;
  const count = ['draft', 'submitted', 'approved', 'published'].indexOf(stage);
  for (const [action, as] of steps.slice(0, count)) {
    res = await call('POST', `/admin/items/${code}/versions/1/${action}`, { as, headers: { 'if-match': res.etag } });
  }
  if (res.status >= 300) throw new Error(`fixture ${stage}: ${res.status}`);
  return { id: code, etag: res.etag };
}
let serial = 0;
async function window() {
  const id = `mx${(serial++).toString(36)}${Date.now().toString(36)}`.slice(0, 32);
  const res = await call('PUT', `/admin/windows/${id}`, { as: 'center.admin', body: { name: '矩阵测试窗口', departmentIds: ['amr'] } });
  return { id, etag: res.etag };
}
async function department() {
  const id = `mx-${(serial++).toString(36)}-${Date.now().toString(36)}`;
  const res = await call('PUT', `/admin/departments/${id}`, { as: 'center.admin', body: { name: '矩阵测试部门', chiefRepresentative: '某人' } });
  return { id, etag: res.etag };
}
const staffBody = { name: '矩阵', email: 'matrix@example.gov.cn', roles: ['clerk'], departmentId: 'amr', windowIds: [], backups: [] };
async function staffMember() {
  const id = `mx.${(serial++).toString(36)}.${Date.now().toString(36)}`;
  const res = await call('PUT', `/admin/staff/${id}`, { as: 'center.admin', body: staffBody });
  return { id, etag: res.etag };
}
// The seeded profile as it is (code included): the PUT replaces it, and case numbers take the code.
const centerBody = { name: '示范县政务服务中心', timeZone: 'Asia/Shanghai', code: '370982' };
async function centerProfile() {
  const res = await call('GET', '/org/center', { as: 'center.admin' });
  return { id: '', etag: res.etag };
}
async function applicant() {
  const username = `mx.app.${(serial++).toString(36)}.${Date.now().toString(36)}`;
  const res = await registerApplicant({ kind: 'citizen', username, name: '矩阵申请人', email: `${username}@example.com`, phone: '13800138000', idNumber: freshIdNumber() });
  if (res.status !== 200) throw new Error(`fixture applicant: ${res.status}`);
  return { id: res.body.applicantId as string, etag: res.etag };
}
// The fixtures of cases and evaluations are made as a careful client makes its requests: writes carry an
// Idempotency-Key and are retried with it after a 503/504 (outcome unknown), so that a slow moment of the
// machine cannot take down the hundreds of cells that share one fixture.
let keySerial = 0;
async function fx(as: string | undefined, method: string, p: string, body?: unknown, headers: Record<string, string> = {}, ok: readonly number[] = [200, 201]) {
  const key = `mx-${Date.now().toString(36)}-${(keySerial++).toString(36)}`;
  for (let attempt = 1; ; attempt++) {
    const res = await call(method, p, { ...(as ? { as } : {}), ...(body !== undefined ? { body } : {}), headers: { ...headers, ...(method === 'GET' ? {} : { 'idempotency-key': key }) } });
    if ((res.status === 503 || res.status === 504) && attempt < 4) continue;
    if (!ok.includes(res.status)) throw new Error(`fixture: ${method} ${p} as ${as ?? 'anyone'}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}
/** Polls a GET until `pick` finds what it waits for in a 200. */
const awaitRead = <T>(what: string, as: string, p: string, pick: (body: any) => T | undefined, timeoutMs = 60_000) =>
  until(what, async () => {
    const res = await call('GET', p, { as });
    return res.status === 200 ? pick(res.body) : undefined;
  }, timeoutMs);

/** A case of the immediate amr item, applied for online by `as` with every material. */
async function openCaseOf(as: string) {
  const res = await fx(as, 'POST', '/cases', { itemCode: immediateItem, materials: materialsOf(immediateItem) }, {}, [201]);
  return { caseNo: res.body.caseNo as string, etag: res.etag };
}
const actOn = (caseNo: string, action: string, as: string, etag: string, body: unknown = {}) => fx(as, 'POST', `/cases/${caseNo}/${action}`, body, { 'if-match': etag }, [200]);
/** Uploads a PDF as the application form and waits for the upload check: the file id. */
async function uploadTo(caseNo: string) {
  const slot = (await fx('zhang.san', 'POST', `/cases/${caseNo}/materials`, { materialId: 'application-form', contentType: 'application/pdf', size: samples.pdf.length, fileName: 'application-form.pdf' }, {}, [201])).body as Slot;
  const put = await putBytes(slot, samples.pdf);
  if (put.status !== 200) throw new Error(`fixture: upload of ${caseNo}: ${put.status}`);
  await awaitRead(`file ${slot.file.fileId} checked`, 'zhang.san', `/cases/${caseNo}/materials`, (b: { files: { fileId: string; status: string }[] }) =>
    b.files.find((f) => f.fileId === slot.file.fileId && f.status !== 'pending'));
  return slot.file.fileId;
}

/** An open case of zhang.san (amr) to upload to. */
async function openCaseFixture() {
  const { caseNo, etag } = await openCaseOf('zhang.san');
  return { id: caseNo, etag };
}
/** An open case of zhang.san (amr) with a received file: `<caseNo>/<fileId>`. */
const openWithFile = once(async (): Promise<Fixture> => {
  const { caseNo } = await openCaseOf('zhang.san');
  return { id: `${caseNo}/${await uploadTo(caseNo)}`, etag: '' };
});
/** One completed case of zhang.san (amr) with a received file. */
const completed = once(async () => {
  const { caseNo, etag } = await openCaseOf('zhang.san');
  const fileId = await uploadTo(caseNo);
  let res = await actOn(caseNo, 'accept', 'clerk.amr', etag);
  for (const action of ['approve', 'complete']) res = await actOn(caseNo, action, 'clerk.amr', res.etag);
  return { caseNo, fileId };
});
/** That case archived, with its documents: `<caseNo>/<fileId>/<documentId>`. */
const archived = once(async (): Promise<Fixture> => {
  const { caseNo, fileId } = await completed();
  await awaitRead('the archive', 'auditor', `/archives/${caseNo}`, () => true);
  const documentId = await awaitRead('the documents', 'zhang.san', `/cases/${caseNo}/materials`, (b: { documents: { documentId: string }[] }) => b.documents[0]?.documentId);
  return { id: `${caseNo}/${fileId}/${documentId}`, etag: '' };
});
/** The evaluation of that case (一事一评, id = case number), rated 5 by zhang.san: `rated` is terminal. */
const rated = once(async (): Promise<Fixture> => {
  const { caseNo } = await completed();
  // The consumer opens the invitation when the case completes.
  const etag = await until(`the invitation of ${caseNo}`, async () => {
    const res = await call('GET', `/evaluations/${caseNo}`, { as: 'zhang.san' });
    return res.status === 200 ? res.etag : undefined;
  }, 60_000);
  const res = await fx('zhang.san', 'POST', `/evaluations/${caseNo}/rate`, onlineRating(5), { 'if-match': etag }, [200]);
  expect(res.body.state).toBe('rated');
  return { id: caseNo, etag: res.etag };
});
/** A case of zhang.san (amr, immediate item) refused at intake: terminal, so every actor of every action meets 409. */
const refusedCase = once(async (): Promise<Fixture> => {
  const { caseNo, etag } = await openCaseOf('zhang.san');
  const res = await actOn(caseNo, 'refuse', 'clerk.amr', etag, { reasons: ['矩阵测试：不予受理'] });
  expect(res.body.state).toBe('refused');
  return { id: caseNo, etag: res.etag };
});
/**
 * A joint case (联办件, housing leads, amr gives its opinion) of a fresh
 * company, accepted (which opens amr's step) and withdrawn: terminal.
 */
const withdrawnJointCase = once(async (): Promise<Fixture> => {
  const joint = itemByMode('joint');
  const owner = `mx.ent.${(serial++).toString(36)}.${Date.now().toString(36)}`;
  await registerApplicant({
    kind: 'enterprise', username: owner, name: '矩阵建设工程有限公司', email: `${owner}@example.com`, phone: '0538-1234567', creditCode: freshCreditCode(), legalRepresentative: '赵六',
  });
  const submitted = await fx(owner, 'POST', '/cases', { itemCode: joint.code, materials: materialsOf(joint.code) }, {}, [201]);
  const caseNo = submitted.body.caseNo as string;
  const accepted = await actOn(caseNo, 'accept', 'clerk.housing', submitted.etag);
  expect(accepted.body.jointSteps).toEqual([{ departmentId: 'amr', status: 'open' }]);
  const withdrawn = await actOn(caseNo, 'withdraw', owner, accepted.etag);
  expect(withdrawn.body.state).toBe('withdrawn');
  return { id: caseNo, etag: withdrawn.etag, owner };
});
/** The certificate of an approved case of zhang.san (amr), revoked once: revoking or cancelling it again is 409 for every allowed approver. */
const revokedCertificate = once(async (): Promise<Fixture> => {
  const { caseNo, etag } = await openCaseOf('zhang.san');
  const accepted = await actOn(caseNo, 'accept', 'clerk.amr', etag);
  await actOn(caseNo, 'approve', 'clerk.amr', accepted.etag);
  const certificateNo = await awaitRead('the certificate', 'zhang.san', `/cases/${caseNo}/materials`, (b: { documents: { certificateNo?: string }[] }) => b.documents.find((d) => d.certificateNo)?.certificateNo);
  const revoked = await fx('approver.amr', 'POST', `/certificates/${certificateNo}/revoke`, { reason: '矩阵测试：撤销', legalBasis: '《中华人民共和国行政许可法》第六十九条' }, {}, [200]);
  return { id: certificateNo, etag: revoked.etag };
});
const part = (f: Fixture, i: number) => f.id.split('/')[i]!;

let calendarYear = 2100;
/** A calendar year of center-demo made now: the next year from 2100 on that nobody has entered (428: it exists). */
async function calendar() {
  for (;;) {
    const id = String(calendarYear++);
    const res = await call('PUT', `/admin/calendar/${id}`, { as: 'center.admin', body: { holidays: [`${id}-01-01`], workdays: [] } });
    if (res.status === 201) return { id, etag: res.etag };
    if (res.status !== 428 || calendarYear > 2999) throw new Error(`fixture calendar ${id}: ${res.status}`);
  }
}

// ---- the routes and who may use them (in the own center) ------------------------------------------
type Grant = Partial<Record<UserRole, 'center' | 'department'>>;
const admins: Grant = { center_admin: 'center', dept_admin: 'department' };
const allStaff: Grant = { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' };
const handlers: Grant = { clerk: 'department', approver: 'department', dept_admin: 'department' };
const archiveReaders: Grant = { center_admin: 'center', supervisor: 'center', auditor: 'center' };
/** Who reads a case, its timeline and its notifications (besides its applicant): its department's handlers and head, and supervision center-wide. */
const caseHandlers: Grant = { clerk: 'department', approver: 'department', dept_admin: 'department', dept_head: 'department', supervisor: 'center' };
/** Who reads a case: its handlers, and the center admin (who coordinates a joint case's dissent). */
const caseReaders: Grant = { ...caseHandlers, center_admin: 'center' };
/** Who reads an evaluation (besides its rater): the handling department's staff, center admins and supervisors. */
const evaluationReaders: Grant = { clerk: 'department', approver: 'department', dept_admin: 'department', center_admin: 'center', supervisor: 'center' };
const onlyApplicants: Grant = { applicant: 'center' };
const nobody: Grant = {};

interface Route {
  /** The cell's name: the operationId, or the action of a route with an `{action}` parameter. */
  readonly operationId: string;
  readonly allowed: Grant;
  /** The status an allowed caller gets. */
  readonly ok: number;
  /** The problem type (slug) an allowed caller's non-2xx status carries. */
  readonly okType?: string;
  readonly fixture?: () => Promise<Fixture>;
  /** An allowed call changes its fixture: each cell expected to succeed gets a fresh one; the others share one. */
  readonly fresh?: boolean;
  /** Allowed writers of the same key run one at a time (a singleton resource read and written with its ETag). */
  readonly serial?: string;
  /** Its fixture takes seconds (a completed, archived, rated case): its cells run last. */
  readonly slow?: boolean;
  readonly request: (f: Fixture) => [method: string, path: string, body?: unknown, headers?: Record<string, string>];
  /** Addressed to one center-demo resource: another center's caller must not reach it (404 or 403). */
  readonly addressed: boolean;
  /** Exactly what any caller of another center gets (addressed routes whose domain answers one way). */
  readonly elsewhere?: number;
  /** Who gets through, and to what, when the caller is of another center, if not as in center-demo (unaddressed routes: the caller's own center answers). */
  readonly otherCenter?: { readonly allowed: Grant; readonly ok: number; readonly okType?: string };
  /** What a refused applicant gets when the resource is another applicant's (404: it is not shown to exist); default 403. */
  readonly applicantRefused?: number;
  /** What the fixture's own applicant gets (routes addressed to an applicant's case or evaluation); no owner cell without it. */
  readonly owner?: number;
  readonly ownerType?: string;
  /** Of the department's clerks, only the one who handles the fixture's case (the matrix's own clerk) is allowed. */
  readonly handlerOnly?: boolean;
  /** No rows for a clerk of several departments (the route's one allowed clerk cell changes a shared fixture). */
  readonly oneClerk?: boolean;
}

const ifMatch = (f: Fixture) => ({ 'if-match': f.etag });
const existing: Route[] = [
  { operationId: 'listItems', allowed: admins, ok: 200, addressed: false, request: () => ['GET', '/admin/items?departmentId=amr'] },
  { operationId: 'createItem', allowed: admins, ok: 201, addressed: false, request: () => ['POST', '/admin/items', { code: freshCode('MXC'), content }] },
  { operationId: 'getItemVersion', allowed: admins, ok: 200, addressed: true, fixture: () => item('draft'), request: (f) => ['GET', `/admin/items/${f.id}/versions/1`] },
  { operationId: 'updateItemVersion', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: () => item('draft'), request: (f) => ['PUT', `/admin/items/${f.id}/versions/1`, { content }, ifMatch(f)] },
  { operationId: 'submit', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: () => item('draft'), request: (f) => ['POST', `/admin/items/${f.id}/versions/1/submit`, undefined, ifMatch(f)] },
  { operationId: 'approve', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: () => item('submitted'), request: (f) => ['POST', `/admin/items/${f.id}/versions/1/approve`, undefined, ifMatch(f)] },
  { operationId: 'reject', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: () => item('submitted'), request: (f) => ['POST', `/admin/items/${f.id}/versions/1/reject`, { reason: '不符合' }, ifMatch(f)] },
  { operationId: 'publish', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: () => item('approved'), request: (f) => ['POST', `/admin/items/${f.id}/versions/1/publish`, undefined, ifMatch(f)] },
  { operationId: 'createItemVersion', allowed: admins, ok: 201, addressed: true, fresh: true, fixture: () => item('published'), request: (f) => ['POST', `/admin/items/${f.id}/versions`] },
  { operationId: 'retireItem', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: () => item('published'), request: (f) => ['POST', `/admin/items/${f.id}/retire`, undefined, ifMatch(f)] },
  { operationId: 'getCenter', allowed: allStaff, ok: 200, addressed: true, request: () => ['GET', '/org/center'] },
  // The center's one profile: its allowed writers take turns, each with the ETag it just read.
  { operationId: 'putCenter', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fresh: true, serial: 'center', fixture: centerProfile, request: (f) => ['PUT', '/admin/center', centerBody, ifMatch(f)] },
  { operationId: 'listDepartments', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/org/departments'] },
  { operationId: 'putDepartment', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fresh: true, fixture: department, request: (f) => ['PUT', `/admin/departments/${f.id}`, { name: '改名', chiefRepresentative: '某人' }, ifMatch(f)] },
  { operationId: 'listWindows', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/org/windows'] },
  { operationId: 'putWindow', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: window, request: (f) => ['PUT', `/admin/windows/${f.id}`, { name: '改名', departmentIds: ['amr'] }, ifMatch(f)] },
  { operationId: 'listStaff', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/org/staff'] },
  { operationId: 'putStaff', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: staffMember, request: (f) => ['PUT', `/admin/staff/${f.id}`, staffBody, ifMatch(f)] },
  { operationId: 'setStaffStatus', allowed: admins, ok: 200, addressed: true, fresh: true, fixture: staffMember, request: (f) => ['POST', `/admin/staff/${f.id}/disable`, undefined, ifMatch(f)] },
  // A person nobody complained about: the allowed caller reaches the threshold check (409), nothing written.
  { operationId: 'decideStaffRemoval', allowed: { center_admin: 'center' }, ok: 409, okType: 'removal-not-suggested', addressed: true, fixture: staffMember, request: (f) => ['POST', `/admin/staff/${f.id}/removal-decisions/2026`, { decision: 'keep', reason: '矩阵' }] },
  { operationId: 'listRemovalSuggestions', allowed: { center_admin: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/admin/removal-suggestions/2026'] },
  { operationId: 'markStaffAbsence', allowed: admins, ok: 201, addressed: true, fresh: true, fixture: staffMember, request: (f) => ['PUT', `/admin/staff/${f.id}/absences/${centerDayAt(Date.now() + 86_400_000)}`, {}] },
  // Nobody marked absent: the allowed caller reaches the lookup (404), nothing written.
  { operationId: 'cancelStaffAbsence', allowed: admins, ok: 404, okType: 'not-found', addressed: true, fixture: staffMember, request: (f) => ['POST', `/admin/staff/${f.id}/absences/${centerDayAt(Date.now() + 86_400_000)}/cancel`] },
  { operationId: 'listAbsences', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', `/org/absences/${centerDayAt(Date.now())}`] },
  { operationId: 'getCalendar', allowed: allStaff, ok: 200, addressed: true, fixture: calendar, request: (f) => ['GET', `/calendar/${f.id}`] },
  { operationId: 'putCalendar', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fresh: true, fixture: calendar, request: (f) => ['PUT', `/admin/calendar/${f.id}`, { holidays: [], workdays: [] }, ifMatch(f)] },
  { operationId: 'getMyProfile', allowed: onlyApplicants, ok: 404, addressed: false, request: () => ['GET', '/applicants/me'] },
  { operationId: 'putMyProfile', allowed: onlyApplicants, ok: 404, addressed: false, request: () => ['PUT', '/applicants/me', { name: '某人', email: 'a@example.com', phone: '13800138000' }, { 'if-match': '"1"' }] },
  // Listing needs no profile: an applicant without one has no agents.
  { operationId: 'listMyAgents', allowed: onlyApplicants, ok: 200, addressed: false, request: () => ['GET', '/applicants/me/agents'] },
  { operationId: 'authorizeAgent', allowed: onlyApplicants, ok: 404, addressed: false, request: () => ['POST', '/applicants/me/agents', { agentApplicantId: '01JAAAAAAAAAAAAAAAAAAAAAAA', scope: 'all', validUntil: '2030-01-01' }] },
  { operationId: 'revokeAgent', allowed: onlyApplicants, ok: 404, addressed: false, request: () => ['POST', '/applicants/me/agents/01JAAAAAAAAAAAAAAAAAAAAAAA/revoke'] },
  // Nobody authorized a synthetic applicant: an empty page.
  { operationId: 'listMyPrincipals', allowed: onlyApplicants, ok: 200, addressed: false, request: () => ['GET', '/applicants/me/principals'] },
  // An allowed caller names a number nobody registered (404); the lookup of a registered one is general-window.test.ts's.
  {
    operationId: 'lookupApplicant', allowed: { clerk: 'center', approver: 'center' }, ok: 404, okType: 'not-found', addressed: false,
    request: () => ['POST', '/applicants/lookup', { idNumber: freshIdNumber() }],
  },
  { operationId: 'getApplicant', allowed: { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center' }, ok: 200, addressed: true, fixture: applicant, request: (f) => ['GET', `/applicants/${f.id}`] },
  { operationId: 'setApplicantAccountStatus', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fresh: true, fixture: applicant, request: (f) => ['POST', `/admin/applicants/${f.id}/disable`] },
  {
    operationId: 'setApplicantCredit', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fresh: true, fixture: applicant,
    request: (f) => ['PUT', `/admin/applicants/${f.id}/credit`, { excluded: true, reason: '矩阵测试：失信' }, ifMatch(f)],
  },
  // Documents: the fixtures are zhang.san's cases of amr; a synthetic applicant is another applicant, zhang.san the owner.
  { operationId: 'uploadMaterial', allowed: { clerk: 'department' }, ok: 201, addressed: true, applicantRefused: 404, owner: 201, fresh: true, fixture: openCaseFixture, request: (f) => ['POST', `/cases/${f.id}/materials`, { materialId: 'premises', contentType: 'application/pdf', size: 1000 }] },
  { operationId: 'listCaseFiles', allowed: handlers, ok: 200, addressed: true, applicantRefused: 404, owner: 200, slow: true, fixture: archived, request: (f) => ['GET', `/cases/${part(f, 0)}/materials`] },
  // Its one allowed cell verifies the shared file; every other cell is refused before the file's state matters.
  { operationId: 'verifyMaterial', allowed: { clerk: 'department' }, ok: 200, addressed: true, applicantRefused: 404, owner: 403, oneClerk: true, fixture: openWithFile, request: (f) => ['POST', `/cases/${part(f, 0)}/materials/${part(f, 1)}/verify`] },
  { operationId: 'downloadMaterial', allowed: handlers, ok: 200, addressed: true, applicantRefused: 404, owner: 200, slow: true, fixture: archived, request: (f) => ['GET', `/cases/${part(f, 0)}/materials/${part(f, 1)}/download`] },
  { operationId: 'downloadDocument', allowed: handlers, ok: 200, addressed: true, applicantRefused: 404, owner: 200, slow: true, fixture: archived, request: (f) => ['GET', `/cases/${part(f, 0)}/documents/${part(f, 2)}/download`] },
  { operationId: 'retrieveArchive', allowed: archiveReaders, ok: 200, addressed: true, owner: 403, slow: true, fixture: archived, request: (f) => ['GET', `/archives/${part(f, 0)}`] },
  { operationId: 'listArchivesDue', allowed: archiveReaders, ok: 200, addressed: false, request: () => ['GET', '/archives?dueBy=2100-01-01'] },
  // Allowed callers reach the rule that the retention has not ended (409); no proposal waits, so approval is 409 too.
  { operationId: 'proposeDisposition', allowed: { center_admin: 'center' }, ok: 409, addressed: true, owner: 403, slow: true, fixture: archived, request: (f) => ['POST', `/archives/${part(f, 0)}/disposition`, { action: 'destroy', reason: '保管期满' }] },
  { operationId: 'approveDisposition', allowed: { supervisor: 'center' }, ok: 409, addressed: true, owner: 403, slow: true, fixture: archived, request: (f) => ['POST', `/archives/${part(f, 0)}/disposition/approve`] },
];

// ---- cases (办件) ---------------------------------------------------------------------------------
/**
 * A case's routes and actions on zhang.san's refused amr case. In an action:
 * schema (400) → the case, read in the caller's own center (another center's
 * caller: 404) → may the caller read it (another applicant: 404; staff of no
 * department of the case, center admins, auditors: 403) → If-Match (sent
 * right) → is the caller an actor of the action on this case (else 403) →
 * the state: refused is terminal, so every actor gets 409 wrong-state.
 */
const caseRead = (operationId: string, suffix: string): Route => ({
  operationId, allowed: caseReaders, ok: 200, addressed: true, elsewhere: 404, applicantRefused: 404, owner: 200,
  fixture: refusedCase, request: (f) => ['GET', `/cases/${f.id}${suffix}`],
});
/** `actors`: the staff who take the action (amr's, the lead department); the owner's status on its own case (409 for its own actions). */
const caseAction = (action: string, actors: Grant, body: unknown, owner = 403, fixture = refusedCase): Route => ({
  operationId: `case·${action}`, allowed: actors, ok: 409, okType: 'wrong-state', addressed: true, elsewhere: 404, applicantRefused: 404,
  owner, ...(owner === 409 ? { ownerType: 'wrong-state' } : {}), fixture, request: (f) => ['POST', `/cases/${f.id}/${action}`, body, ifMatch(f)],
});
const clerkOfLead: Grant = { clerk: 'department' };
const approverOfLead: Grant = { approver: 'department' };
const clerkOrApproverOfLead: Grant = { clerk: 'department', approver: 'department' };
const headOfLead: Grant = { dept_head: 'department' };
const cases: Route[] = [
  // Online application (no applicantId): applicants only. A synthetic one has no profile (409 registration-required);
  // in another center the item is not published (422 item-not-available), which comes first.
  { operationId: 'submitCase·online', allowed: onlyApplicants, ok: 409, okType: 'registration-required', otherCenter: { allowed: onlyApplicants, ok: 422, okType: 'item-not-available' }, addressed: false, request: () => ['POST', '/cases', { itemCode: immediateItem, materials: materialsOf(immediateItem) }] },
  // At the counter (applicantId named): a clerk of the item's department; an applicant id registered nowhere makes it 422 applicant-not-found,
  // after the department check (housing's clerk: 403). In another center any clerk gets past the role check to the item, which is not
  // published there (422 item-not-available): the department is checked once the item is known.
  {
    operationId: 'submitCase·window', allowed: clerkOfLead, ok: 422, okType: 'applicant-not-found', addressed: false,
    otherCenter: { allowed: { clerk: 'center' }, ok: 422, okType: 'item-not-available' },
    request: () => ['POST', '/cases', { itemCode: immediateItem, applicantId: '01JAAAAAAAAAAAAAAAAAAAAAAA', materials: materialsOf(immediateItem) }],
  },
  { operationId: 'listMyCases', allowed: onlyApplicants, ok: 200, addressed: false, request: () => ['GET', '/cases'] },
  caseRead('getCase', ''),
  caseRead('getCaseTimeline', '/timeline'),
  { operationId: 'listQueue', allowed: caseHandlers, ok: 200, addressed: false, request: () => ['GET', '/queues/to_accept?departmentId=amr'] },
  caseAction('accept', clerkOfLead, {}),
  caseAction('acceptWithTolerance', clerkOfLead, { missing: [{ materialId: 'premises', detail: '经营场所证明后补' }], consent: { channel: 'window', at: '2026-01-05T09:00:00+08:00' } }),
  caseAction('refuse', clerkOfLead, { reasons: ['不属于本机关职权范围'], competentAgency: '市市场监督管理局' }),
  caseAction('requestSupplement', clerkOfLead, { items: [{ materialId: 'premises', problem: 'missing', detail: '请补交经营场所证明' }] }),
  caseAction('supplement', clerkOfLead, { materials: [{ materialId: 'premises', form: 'copy', count: 1 }] }, 409),
  caseAction('completeTolerance', clerkOfLead, { note: '容缺材料已补齐' }),
  caseAction('review', clerkOrApproverOfLead, { opinion: '材料齐全，符合条件' }),
  // On the joint case: amr is its co-department (actors: amr's clerks and approvers); housing leads it, reads it, and takes no opinion.
  caseAction('giveJointOpinion', clerkOrApproverOfLead, { opinion: '同意', agrees: true }, 403, withdrawnJointCase),
  // The center's coordination of a dissent: the supervisor or the center admin, on any case of the center.
  caseAction('coordinate', { supervisor: 'center', center_admin: 'center' }, { outcome: 'resolved', note: '经协调一致' }),
  caseAction('suspend', clerkOrApproverOfLead, { procedure: 'inspection', reason: '需要现场核查', expectedWorkingDays: 5 }),
  caseAction('resume', clerkOrApproverOfLead, { note: '现场核查结束' }),
  caseAction('escalate', approverOfLead, { authority: '市市场监督管理局', reason: '需上级机关决定' }),
  caseAction('returnFromEscalation', clerkOrApproverOfLead, { outcome: '上级机关同意' }),
  caseAction('requestExtension', clerkOrApproverOfLead, { reason: '情况复杂，需要延期' }),
  caseAction('approveExtension', headOfLead, { note: '同意延期' }),
  caseAction('noticeHearingRight', clerkOrApproverOfLead, { parties: [{ name: '张三', role: 'applicant' }] }),
  caseAction('requestHearing', clerkOfLead, { partyRole: 'applicant' }, 409),
  caseAction('requireHearing', approverOfLead, { reason: '涉及公共利益' }),
  caseAction('scheduleHearing', clerkOrApproverOfLead, { at: '2026-01-20T09:30:00+08:00', place: '听证室' }),
  caseAction('recordHearingOutcome', clerkOrApproverOfLead, { outcome: '听证结束' }),
  // The clerk decides an immediate item at the window (from accepted); the approver any item.
  caseAction('approve', clerkOrApproverOfLead, { note: '准予许可' }),
  caseAction('deny', clerkOrApproverOfLead, { reasons: ['不符合法定条件'] }),
  caseAction('complete', clerkOrApproverOfLead, { note: '办结' }),
  caseAction('deliver', clerkOfLead, { method: 'mail', trackingNo: 'EMS1234567890' }),
  caseAction('withdraw', clerkOfLead, { reason: '不再需要' }, 409),
  // Notifications: whoever may read the case.
  { ...caseRead('listCaseNotifications', '/notifications') },
  // The query code's reissue: the owner or a clerk of the lead department, once the case is accepted (the refused case never was: 409).
  {
    operationId: 'reissueCaseQueryCode', allowed: clerkOfLead, ok: 409, okType: 'query-code-not-issued', addressed: true, elsewhere: 404, applicantRefused: 404,
    owner: 409, ownerType: 'query-code-not-issued', fixture: refusedCase, request: (f) => ['POST', `/cases/${f.id}/query-code`, undefined, ifMatch(f)],
  },
];

// ---- evaluations (好差评) -------------------------------------------------------------------------
/**
 * The evaluation of zhang.san's completed amr case, rated 5 (terminal). In an
 * action: schema → the evaluation in the caller's center (else 404) → may the
 * caller read it (another applicant: 404; other staff: 403) → If-Match →
 * actor of the action (else 403) → state: 409 for every actor.
 */
const evaluationAction = (action: string, actors: Grant, body: unknown, owner = 403): Route => ({
  operationId: `evaluation·${action}`, allowed: actors, ok: 409, okType: 'wrong-state', addressed: true, elsewhere: 404, applicantRefused: 404,
  owner, ...(owner === 409 ? { ownerType: 'wrong-state' } : {}), slow: true, fixture: rated, request: (f) => ['POST', `/evaluations/${f.id}/${action}`, body, ifMatch(f)],
});
const departmentStaff: Grant = { clerk: 'department', dept_admin: 'department' };
const evaluations: Route[] = [
  // Needs no profile: an applicant without one has no evaluations.
  { operationId: 'listMyEvaluations', allowed: onlyApplicants, ok: 200, addressed: false, request: () => ['GET', '/evaluations'] },
  { operationId: 'getEvaluation', allowed: evaluationReaders, ok: 200, addressed: true, elsewhere: 404, applicantRefused: 404, owner: 200, slow: true, fixture: rated, request: (f) => ['GET', `/evaluations/${f.id}`] },
  { operationId: 'listEvaluationQueue·bad_reviews', allowed: { clerk: 'department', approver: 'department', dept_admin: 'department', supervisor: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/evaluation-queues/bad_reviews?departmentId=amr'] },
  { operationId: 'listEvaluationQueue·appeals', allowed: { supervisor: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/evaluation-queues/appeals'] },
  { operationId: 'getEvaluationSettings', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/evaluation-settings'] },
  // Other tests rely on center-demo's settings (stage defaults) and on center-other's: an allowed writer is let through
  // to the version check and stopped there by a stale If-Match (412), so nothing is written.
  {
    operationId: 'putEvaluationSettings', allowed: { center_admin: 'center' }, ok: 412, okType: 'precondition-failed', addressed: false,
    request: () => ['PUT', '/evaluation-settings', { ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15 }, { 'if-match': '"0"' }],
  },
  { operationId: 'getEvaluationFigures', allowed: { center_admin: 'center', supervisor: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/evaluation-stats/2025-01'] },
  evaluationAction('rate', nobody, onlineRating(4), 409),
  evaluationAction('callBack', departmentStaff, { reached: true, summary: '已回访' }),
  evaluationAction('rectify', departmentStaff, { outcome: 'explained', measures: '已解释' }),
  evaluationAction('rateFix', nobody, { rating: 5 }, 409),
  evaluationAction('appeal', { dept_admin: 'department' }, { reason: 'mistaken', statement: '误评' }),
  evaluationAction('decideAppeal', { supervisor: 'center' }, { upheld: false, opinion: '维持' }),
];

// ---- supervision (电子监察) -----------------------------------------------------------------------
/**
 * The warning card of an accepted amr case (its immediate item is due the day it is accepted, so the
 * warning comes at once), appealed by admin.amr and revoked by the supervisor: terminal, so every
 * appeal meets 409 card-already-appealed and every decision 409 wrong-state. The matrix's own-department
 * clerk accepts the case, so it handles it (承办) and reads its card; the matrix's approver does not.
 */
const decidedCard = once(async (): Promise<Fixture> => {
  const { caseNo, etag } = await openCaseOf('zhang.san');
  const accepted = await send(tokenFor('clerk', 'own', 'own'), 'POST', `/cases/${caseNo}/accept`, {}, { 'if-match': etag });
  if (accepted.status !== 200) throw new Error(`fixture: accept ${caseNo} as the matrix clerk: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const cardId = `${caseNo}~case~warning`;
  const issued = await until(`the warning card of ${caseNo}`, async () => {
    const res = await call('GET', `/supervision/cards/${cardId}`, { as: 'supervisor' });
    return res.status === 200 ? res : undefined;
  }, 60_000);
  const appealed = await fx('admin.amr', 'POST', `/supervision/cards/${cardId}/appeal`, { reason: '矩阵测试：已在期限内告知', evidence: [] }, { 'if-match': issued.etag }, [200]);
  const decided = await fx('supervisor', 'POST', `/supervision/cards/${cardId}/decide`, { decision: 'revoked', note: '矩阵测试' }, { 'if-match': appealed.etag }, [200]);
  return { id: cardId, etag: decided.etag };
});
/** A 督办 order on that card's case, answered by admin.amr: terminal, so every reply meets 409 wrong-state. */
const shanghaiToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const answeredOrder = once(async (): Promise<Fixture> => {
  const caseNo = (await decidedCard()).id.split('~')[0]!;
  const issued = await fx('supervisor', 'POST', '/supervision/orders', { caseNo, instructions: '矩阵测试：请说明进度', dueDate: shanghaiToday() }, {}, [201]);
  const answered = await fx('admin.amr', 'POST', `/supervision/orders/${issued.body.orderId}/reply`, { reply: '已说明' }, { 'if-match': issued.etag }, [200]);
  return { id: issued.body.orderId as string, etag: answered.etag };
});
/** Who reads orders, and lists cards: supervision and audit the whole center, the department's staff their own (a handler's list holds the cases it handles). */
const orderReaders: Grant = { supervisor: 'center', auditor: 'center', dept_admin: 'department', clerk: 'department', approver: 'department' };
/** Who reads the fixture's card: as orders, but of the department's clerks and approvers only its case's handler (the matrix clerk). */
const cardReaders: Grant = { supervisor: 'center', auditor: 'center', dept_admin: 'department', clerk: 'department' };
const supervision: Route[] = [
  { operationId: 'listCards', allowed: orderReaders, ok: 200, addressed: false, request: () => ['GET', '/supervision/cards?departmentId=amr&state=revoked'] },
  { operationId: 'getCard', allowed: cardReaders, ok: 200, addressed: true, elsewhere: 404, slow: true, handlerOnly: true, fixture: decidedCard, request: (f) => ['GET', `/supervision/cards/${f.id}`] },
  {
    operationId: 'appealCard', allowed: { dept_admin: 'department' }, ok: 409, okType: 'card-already-appealed', addressed: true, elsewhere: 404, slow: true,
    fixture: decidedCard, request: (f) => ['POST', `/supervision/cards/${f.id}/appeal`, { reason: '再次申诉', evidence: [] }, ifMatch(f)],
  },
  {
    operationId: 'decideCardAppeal', allowed: { supervisor: 'center' }, ok: 409, okType: 'wrong-state', addressed: true, elsewhere: 404, slow: true,
    fixture: decidedCard, request: (f) => ['POST', `/supervision/cards/${f.id}/decide`, { decision: 'returned', note: '维持' }, ifMatch(f)],
  },
  { operationId: 'getCaseSupervision', allowed: cardReaders, ok: 200, addressed: true, elsewhere: 404, slow: true, handlerOnly: true, fixture: decidedCard, request: (f) => ['GET', `/supervision/cases/${f.id.split('~')[0]}`] },
  // In another center the case is unknown: the body names no case there (400).
  {
    operationId: 'issueOrder', allowed: { supervisor: 'center' }, ok: 201, addressed: false, slow: true, fixture: decidedCard,
    otherCenter: { allowed: { supervisor: 'center' }, ok: 400, okType: 'validation-failed' },
    request: (f) => ['POST', '/supervision/orders', { caseNo: f.id.split('~')[0], instructions: '矩阵测试', dueDate: shanghaiToday() }],
  },
  { operationId: 'listOrders', allowed: orderReaders, ok: 200, addressed: false, request: () => ['GET', '/supervision/orders?departmentId=amr'] },
  { operationId: 'getOrder', allowed: orderReaders, ok: 200, addressed: true, elsewhere: 404, slow: true, fixture: answeredOrder, request: (f) => ['GET', `/supervision/orders/${f.id}`] },
  {
    operationId: 'replyToOrder', allowed: { dept_admin: 'department' }, ok: 409, okType: 'wrong-state', addressed: true, elsewhere: 404, slow: true,
    fixture: answeredOrder, request: (f) => ['POST', `/supervision/orders/${f.id}/reply`, { reply: '再次答复' }, ifMatch(f)],
  },
  { operationId: 'getThresholdSettings', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/supervision/settings'] },
  // Like the evaluation settings: an allowed writer is stopped by a stale If-Match (412), so nothing is written.
  {
    operationId: 'putThresholdSettings', allowed: { supervisor: 'center', center_admin: 'center' }, ok: 412, okType: 'precondition-failed', addressed: false,
    request: () => ['PUT', '/supervision/settings', { case: { warningWorkingDays: 2 }, specialProcedure: { warningWorkingDays: 2, yellowOverdueWorkingDays: 0, redOverdueWorkingDays: 1 }, preReview: { dueWorkingDays: 2, warningOverdueWorkingDays: 0, yellowOverdueWorkingDays: 3, redOverdueWorkingDays: 5 }, order: { yellowOverdueWorkingDays: 0 } }, { 'if-match': '"999"' }],
  },
  { operationId: 'getSupervisionFigures', allowed: { supervisor: 'center', auditor: 'center', center_admin: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/supervision/figures/2025-01'] },
];

// ---- audit (审计) ---------------------------------------------------------------------------------
const auditors: Grant = { auditor: 'center' };
const audit: Route[] = [
  { operationId: 'listAuditEvents', allowed: auditors, ok: 200, addressed: false, request: () => ['GET', '/audit/events?from=2000-01-01&to=2000-01-01'] },
  { operationId: 'exportAuditEvents', allowed: auditors, ok: 200, addressed: false, request: () => ['GET', '/audit/export?from=2000-01-01&to=2000-01-01&format=ndjson'] },
  // No day of 2000 was ever sealed: the auditor reaches the log and learns there is no digest.
  { operationId: 'getAuditDigest', allowed: auditors, ok: 404, addressed: false, request: () => ['GET', '/audit/digests/2000-01-01'] },
];

// ---- the hall's queue (排队叫号) --------------------------------------------------------------------
/**
 * No synthetic caller is assigned to a window (staff `windowIds`), so every
 * window action is 403 for every role (tests/integration/queue.test.ts has the
 * assigned clerk). Allowed writers meet a refusal that writes nothing: a stale
 * If-Match (412), a ticket for no category (422).
 */
const queueTicket = '20260101-01JAAAAAAAAAAAAAAAAAAAAAAA';
const windowActions: Route[] = (['recall', 'skip', 'transfer', 'start', 'end'] as const).map((action) => ({
  operationId: `queue·${action}`, allowed: nobody, ok: 200, addressed: false,
  request: () => ['POST', `/windows/a03/tickets/${queueTicket}/${action}`, action === 'transfer' ? { categoryCode: 'A' } : action === 'end' ? { itemCodes: [], caseNos: [] } : undefined],
}));
const queue: Route[] = [
  {
    operationId: 'putQueueCategory', allowed: { center_admin: 'center' }, ok: 412, okType: 'precondition-failed', addressed: false,
    request: () => ['PUT', '/admin/queue/categories/W', { name: '矩阵类别', itemCodes: [], windowIds: ['a03'] }, { 'if-match': '"0"' }],
  },
  { operationId: 'listQueueCategories', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/queue/categories'] },
  { operationId: 'takeTicketAtCounter', allowed: { clerk: 'center' }, ok: 422, okType: 'category-unknown', addressed: false, request: () => ['POST', '/queue/tickets', {}] },
  { operationId: 'callNext', allowed: nobody, ok: 200, addressed: false, request: () => ['POST', '/windows/a03/call-next'] },
  ...windowActions,
  { operationId: 'getQueueFigures', allowed: { center_admin: 'center', supervisor: 'center', dept_admin: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/queue/figures/2026-01-01'] },
  { operationId: 'getQueueMonthFigures', allowed: { center_admin: 'center', supervisor: 'center', dept_admin: 'department' }, ok: 200, addressed: false, request: () => ['GET', '/queue-stats/2026-01?departmentId=amr'] },
];

// ---- appointments (预约) ------------------------------------------------------------------------
/**
 * The matrix's applicants have no profile (404 on booking) and no booking
 * exists with the id below (404 on a change); a clerk books an item that is in
 * no category (409 not-bookable); the settings are written with a stale
 * If-Match (412). Nothing is written.
 */
const noBooking = '01JAAAAAAAAAAAAAAAAAAAAAAA';
const slot = { date: '2026-12-31', start: '09:00' };
const appointments: Route[] = [
  { operationId: 'getAppointmentSettings', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/admin/queue/appointment-settings'] },
  {
    operationId: 'putAppointmentSettings', allowed: { center_admin: 'center' }, ok: 412, okType: 'precondition-failed', addressed: false,
    request: () => ['PUT', '/admin/queue/appointment-settings', { slotMode: 'halfDay', openingHours: [{ from: '09:00', to: '12:00' }], capacity: 10, daysAhead: 7, missesToBlock: 3, blockDays: 30 }, { 'if-match': '"999"' }],
  },
  { operationId: 'bookAppointment', allowed: onlyApplicants, ok: 404, addressed: false, request: () => ['POST', '/appointments', { itemCode: immediateItem, ...slot }] },
  { operationId: 'listMyAppointments', allowed: onlyApplicants, ok: 200, addressed: false, request: () => ['GET', '/appointments'] },
  { operationId: 'cancelMyAppointment', allowed: onlyApplicants, ok: 404, addressed: false, request: () => ['POST', `/appointments/${noBooking}/cancel`] },
  { operationId: 'rescheduleMyAppointment', allowed: onlyApplicants, ok: 404, addressed: false, request: () => ['POST', `/appointments/${noBooking}/reschedule`, slot] },
  {
    operationId: 'bookForCaller', allowed: { clerk: 'center' }, ok: 409, okType: 'not-bookable', addressed: false,
    request: () => ['POST', '/queue/appointments', { itemCode: 'NO-SUCH-ITEM', ...slot, name: '矩阵来电', idNumber: freshIdNumber(), mobile: '13800138000' }],
  },
  { operationId: 'listDayAppointments', allowed: { clerk: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center' }, ok: 200, addressed: false, request: () => ['GET', `/queue/appointments?date=${slot.date}`] },
  { operationId: 'cancelAppointment', allowed: { clerk: 'center' }, ok: 404, addressed: false, request: () => ['POST', `/queue/appointments/${noBooking}/cancel`] },
  { operationId: 'rescheduleAppointment', allowed: { clerk: 'center' }, ok: 404, addressed: false, request: () => ['POST', `/queue/appointments/${noBooking}/reschedule`, slot] },
];

// ---- certificates (证照) --------------------------------------------------------------------------
/**
 * The issuing department's staff read a certificate; its approvers revoke
 * or cancel it. On a revoked certificate every allowed approver meets 409
 * `certificate-not-valid` and nothing changes; another center's caller never
 * learns it exists (404).
 */
const certificateEnd = { reason: '矩阵测试', legalBasis: '《中华人民共和国行政许可法》第七十条' };
const certificates: Route[] = [
  { operationId: 'readCertificate', allowed: handlers, ok: 200, addressed: true, elsewhere: 404, slow: true, fixture: revokedCertificate, request: (f) => ['GET', `/certificates/${f.id}`] },
  {
    operationId: 'revokeCertificate', allowed: { approver: 'department' }, ok: 409, okType: 'certificate-not-valid', addressed: true, elsewhere: 404, slow: true,
    fixture: revokedCertificate, request: (f) => ['POST', `/certificates/${f.id}/revoke`, certificateEnd, ifMatch(f)],
  },
  {
    operationId: 'cancelCertificate', allowed: { approver: 'department' }, ok: 409, okType: 'certificate-not-valid', addressed: true, elsewhere: 404, slow: true,
    fixture: revokedCertificate, request: (f) => ['POST', `/certificates/${f.id}/cancel`, certificateEnd, ifMatch(f)],
  },
];

// ---- complaints (投诉) ------------------------------------------------------------------------------
/**
 * A complaint of zhang.san's about amr, accepted and assigned to amr, answered
 * and rated satisfied: closed, so every actor of every action meets 409 and
 * nothing changes. Reads: supervisors and amr's staff (the department it is
 * assigned to); another applicant learns nothing of it (404).
 */
const closedComplaint = once(async (): Promise<Fixture> => {
  const filed = await fx('zhang.san', 'POST', '/complaints', { subject: { type: 'department', departmentId: 'amr' }, category: 'other', content: '矩阵测试投诉', contact: '13800138000' }, {}, [201]);
  const id = filed.body.complaintId as string;
  await fx('supervisor', 'POST', `/complaints/${id}/accept`, {}, { 'if-match': '"1"' }, [200]);
  await fx('admin.amr', 'POST', `/complaints/${id}/reply`, { reply: '已答复', substantiated: false }, { 'if-match': '"2"' }, [200]);
  const res = await fx('zhang.san', 'POST', `/complaints/${id}/rate`, { rating: 'satisfied' }, { 'if-match': '"3"' }, [200]);
  expect(res.body.state).toBe('closed');
  return { id, etag: res.etag };
});
const complaintAction = (action: string, actors: Grant, body: unknown, owner = 403): Route => ({
  operationId: `complaint·${action}`, allowed: actors, ok: 409, okType: 'wrong-state', addressed: true, elsewhere: 404, applicantRefused: 404,
  owner, ...(owner === 409 ? { ownerType: 'wrong-state' } : {}), slow: true, fixture: closedComplaint, request: (f) => ['POST', `/complaints/${f.id}/${action}`, body, ifMatch(f)],
});
const complaintDepartment: Grant = { dept_admin: 'department', dept_head: 'department' };
const complaints: Route[] = [
  // Allowed staff meet an unknown case (422, nothing written); an applicant without a profile is not registered (404).
  {
    operationId: 'fileComplaint', allowed: { clerk: 'center', supervisor: 'center' }, ok: 422, okType: 'complaint-subject-unknown', addressed: false, applicantRefused: 404,
    request: () => ['POST', '/complaints', { channel: 'phone', subject: { type: 'case', caseNo: '370982-20200101-99999' }, category: 'other', content: '矩阵', complainant: { name: '矩阵', contact: '13800138000' } }],
  },
  // Without filters: an applicant's own, a department's staff their own department's queue, supervisors the filed ones.
  { operationId: 'listComplaints', allowed: { applicant: 'center', clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', supervisor: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/complaints'] },
  { operationId: 'listComplaints·department', allowed: { clerk: 'department', approver: 'department', dept_admin: 'department', dept_head: 'department', supervisor: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/complaints?departmentId=amr'] },
  { operationId: 'listComplaints·state', allowed: { supervisor: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/complaints?state=under_review'] },
  {
    operationId: 'getComplaint', allowed: { supervisor: 'center', clerk: 'department', approver: 'department', dept_admin: 'department', dept_head: 'department' }, ok: 200,
    addressed: true, elsewhere: 404, applicantRefused: 404, owner: 200, slow: true, fixture: closedComplaint, request: (f) => ['GET', `/complaints/${f.id}`],
  },
  // A month's figures: each caller's own center; a department's head and admin their own department's row, whichever it is.
  { operationId: 'getComplaintFigures', allowed: { supervisor: 'center', center_admin: 'center', dept_head: 'center', dept_admin: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/complaint-figures?month=2020-01'] },
  { operationId: 'getComplaintSettings', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/complaint-settings'] },
  // As the evaluation settings: an allowed writer is stopped by a stale If-Match (412), so nothing is written.
  {
    operationId: 'putComplaintSettings', allowed: { center_admin: 'center' }, ok: 412, okType: 'precondition-failed', addressed: false,
    request: () => ['PUT', '/complaint-settings', { acceptWorkingDays: 2, replyWorkingDays: 5, rateWorkingDays: 5, reviewWorkingDays: 5, staffRemovalThreshold: 2 }, { 'if-match': '"0"' }],
  },
  complaintAction('accept', { supervisor: 'center' }, {}),
  complaintAction('notAccept', { supervisor: 'center' }, { reason: 'outside_scope', explanation: '矩阵' }),
  complaintAction('requestExtension', complaintDepartment, { reason: '矩阵', workingDays: 1 }),
  complaintAction('approveExtension', { supervisor: 'center' }, {}),
  complaintAction('refuseExtension', { supervisor: 'center' }, {}),
  complaintAction('reply', complaintDepartment, { reply: '矩阵', substantiated: false }),
  complaintAction('rate', { supervisor: 'center' }, { rating: 'satisfied' }, 409),
  complaintAction('requestReview', { supervisor: 'center' }, { reason: '矩阵' }, 409),
  complaintAction('answerReview', { supervisor: 'center' }, { answer: '矩阵', substantiated: false }),
];

// ---- fees (收费) ------------------------------------------------------------------------------------
/**
 * The refused case of zhang.san (an amr item without fees): its charges are
 * read by amr's case handlers, center admins and the applicant; an
 * assessment passes the checks of who may assess (amr's clerks) and meets the
 * item's lack of fees (409); an action on a charge the case does not have
 * passes who may read its charges and meets 404 before its own permission
 * (that permission is the charge table's, proven in tests/unit/fees).
 */
const feeReaders: Grant = { ...caseHandlers, center_admin: 'center' };
const NO_CHARGE = '01JAAAAAAAAAAAAAAAAAAAAAAA';
const chargeAction = (action: string, body: unknown): Route => ({
  operationId: `charge·${action}`, allowed: feeReaders, ok: 404, okType: 'not-found', addressed: true, elsewhere: 404, applicantRefused: 404, owner: 404,
  fixture: refusedCase, request: (f) => ['POST', `/cases/${f.id}/charges/${NO_CHARGE}/${action}`, body, { 'if-match': '"1"' }],
});
const fees: Route[] = [
  {
    operationId: 'listCaseCharges', allowed: feeReaders, ok: 200, addressed: true, elsewhere: 404, applicantRefused: 404, owner: 200,
    fixture: refusedCase, request: (f) => ['GET', `/cases/${f.id}/charges`],
  },
  {
    operationId: 'assessCharge', allowed: { clerk: 'department' }, ok: 409, okType: 'case-not-chargeable', addressed: true, elsewhere: 404, applicantRefused: 404, owner: 403,
    fixture: refusedCase, request: (f) => ['POST', `/cases/${f.id}/charges`, { lines: [{ feeId: 'copy' }] }],
  },
  chargeAction('issue', {}),
  chargeAction('requestWaiver', { categoryId: 'micro', reason: '矩阵' }),
  chargeAction('approveWaiver', {}),
  chargeAction('rejectWaiver', {}),
  chargeAction('cancel', { reason: '矩阵' }),
  chargeAction('requestRefund', { amountFen: 1, reason: '矩阵' }),
  chargeAction('approveRefund', {}),
  chargeAction('rejectRefund', {}),
  {
    operationId: 'chargePaymentOrder', allowed: feeReaders, ok: 404, okType: 'not-found', addressed: true, elsewhere: 404, applicantRefused: 404, owner: 404,
    fixture: refusedCase, request: (f) => ['POST', `/cases/${f.id}/charges/${NO_CHARGE}/payment-order`],
  },
];

// ---- appraisal (考核) ------------------------------------------------------------------------------
/**
 * No fixture: a month far ahead is neither over nor closed in any center, so
 * an allowed caller meets the month's rule (409) and nothing is written; the
 * indicator table's writer a stale If-Match (412); a decision an appeal
 * nobody filed (404).
 */
const NOT_OVER = '2099-12';
const appraisal: Route[] = [
  { operationId: 'getAppraisalIndicators', allowed: { center_admin: 'center', supervisor: 'center', dept_head: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/appraisal/indicators'] },
  {
    operationId: 'putAppraisalIndicators', allowed: { center_admin: 'center' }, ok: 412, okType: 'precondition-failed', addressed: false,
    request: () => ['PUT', '/appraisal/indicators', { appealWorkingDays: 5, indicators: [{ id: 'all', name: '矩阵', weight: 100, rule: { kind: 'rate', numerator: 'good', denominator: 'rated', minDenominator: 1 } }] }, { 'if-match': '"0"' }],
  },
  { operationId: 'closeAppraisalMonth', allowed: { center_admin: 'center' }, ok: 409, okType: 'month-not-over', addressed: false, request: () => ['POST', `/appraisal/months/${NOT_OVER}/close`] },
  { operationId: 'getMyAppraisalScore', allowed: allStaff, ok: 409, okType: 'month-not-closed', addressed: false, request: () => ['GET', `/appraisal/scores/me?month=${NOT_OVER}`] },
  {
    operationId: 'listAppraisalScores', allowed: { center_admin: 'center', supervisor: 'center', dept_head: 'department' }, ok: 409, okType: 'month-not-closed', addressed: false,
    request: () => ['GET', `/appraisal/scores?month=${NOT_OVER}&departmentId=amr`],
  },
  { operationId: 'appealAppraisalScore', allowed: allStaff, ok: 409, okType: 'month-not-closed', addressed: false, request: () => ['POST', '/appraisal/scores/me/appeal', { month: NOT_OVER, reason: '矩阵' }] },
  { operationId: 'listAppraisalAppeals', allowed: { supervisor: 'center' }, ok: 200, addressed: false, request: () => ['GET', `/appraisal/appeals?month=${NOT_OVER}`] },
  {
    operationId: 'decideAppraisalAppeal', allowed: { supervisor: 'center' }, ok: 404, okType: 'not-found', addressed: false,
    request: () => ['POST', `/appraisal/appeals/${NOT_OVER}/clerk.amr/decide`, { upheld: false, reason: '矩阵' }],
  },
];

// ---- finance (财务) --------------------------------------------------------------------------------
/**
 * No fixture: a day of 2020 nobody reconciled (404), a day not over (409:
 * nothing is asked of the provider, nothing written), the revenue of a month
 * of 2020 (200, none). Each center's caller reads its own center's.
 */
const financeReaders: Grant = { finance: 'center', center_admin: 'center', auditor: 'center' };
const finance: Route[] = [
  { operationId: 'getReconciliation', allowed: financeReaders, ok: 404, okType: 'not-reconciled', addressed: false, request: () => ['GET', '/fees/reconciliations/2020-01-01'] },
  { operationId: 'runReconciliation', allowed: { finance: 'center' }, ok: 409, okType: 'day-not-over', addressed: false, request: () => ['POST', '/fees/reconciliations/2099-01-01'] },
  { operationId: 'getRevenue', allowed: financeReaders, ok: 200, addressed: false, request: () => ['GET', '/fees/revenue?month=2020-01'] },
];

const routes = [...existing, ...cases, ...evaluations, ...supervision, ...audit, ...queue, ...appointments, ...certificates, ...complaints, ...fees, ...appraisal, ...finance];
// Routes whose fixture takes seconds go last, so that no cell holds a slot while it is made.
const ordered = [...routes.filter((r) => !r.slow), ...routes.filter((r) => r.slow)];

interface Cell extends Route {
  readonly label: string;
  readonly role: UserRole;
  readonly dept: Dept;
  readonly center: 'own' | 'other';
  readonly isOwner: boolean;
  readonly route: Route;
}
const matrixCells: Cell[] = ordered.flatMap((r) =>
  userRoles.flatMap((role) => (['own', 'other'] as const).flatMap((dept) => (['own', 'other'] as const).map((center) => ({
    ...r, route: r, role, dept, center, isOwner: false, label: `${r.operationId} · ${role} · ${dept} department · ${center} center`,
  })))),
);
const severalDepartmentCells: Cell[] = ordered.filter((r) => r.allowed.clerk === 'department' && !r.oneClerk).flatMap((r) =>
  (['several', 'severalOther'] as const).map((dept) => ({
    ...r, route: r, role: 'clerk' as const, dept, center: 'own' as const, isOwner: false,
    label: `${r.operationId} · clerk of ${dept === 'several' ? 'housing, health and amr' : 'housing, health and tax'} · own center`,
  })),
);
const ownerCells: Cell[] = ordered.filter((r) => r.owner !== undefined).map((r) => ({
  ...r, route: r, role: 'applicant', dept: 'own', center: 'own', isOwner: true, label: `${r.operationId} · applicant · owner of the case`,
}));
const cells = [...matrixCells, ...severalDepartmentCells, ...ownerCells];

function expectedOf(c: Cell): { status: number; type?: string } | 'notReached' {
  if (c.isOwner) return { status: c.owner!, ...(c.ownerType ? { type: c.ownerType } : {}) };
  let { allowed, ok, okType } = c;
  if (c.center === 'other') {
    if (c.elsewhere !== undefined) return { status: c.elsewhere };
    // Another center's caller may act in its own center, but never reaches center-demo's resource.
    if (c.addressed) return 'notReached';
    if (c.otherCenter) ({ allowed, ok, okType } = c.otherCenter);
  }
  const grant = allowed[c.role];
  if (c.dept === 'several' && c.handlerOnly) return { status: 403 };
  const permitted = grant === 'center' || (grant === 'department' && (c.dept === 'own' || c.dept === 'several'));
  if (permitted) return { status: ok, ...(okType ? { type: okType } : {}) };
  return { status: c.role === 'applicant' && c.applicantRefused ? c.applicantRefused : 403 };
}

/** What a list (or any body) answered to another center's caller must not contain: anything of center-demo. */
function assertNothingOfCenterDemo(c: Cell, body: unknown) {
  if (c.operationId === 'listItems') {
    for (const i of (body as { items: Record<string, unknown>[] }).items) expect(String(i.code)).not.toMatch(/^(370982-|MX-)/);
  } else if (existing.some((r) => r.operationId === c.operationId)) {
    expect((body as { items: unknown[] }).items).toEqual([]);
  } else {
    // The new routes answer another center's caller from its own center, where other tests may have written.
    expect(typeof body === 'string' ? body : JSON.stringify(body)).not.toMatch(/center-demo|CENTERDEMO/);
  }
}

// One fixture per route for every cell that does not change it.
const shared = new Map<Route, Promise<Fixture>>();
/** Whether the cell is expected to change its fixture, and so gets its own. */
const changes = (c: Cell, expected: ReturnType<typeof expectedOf>) => c.fresh === true && expected !== 'notReached' && expected.status < 300;
function fixtureOf(c: Cell, expected: ReturnType<typeof expectedOf>): Promise<Fixture> {
  if (!c.fixture) return Promise.resolve({ id: '', etag: '' });
  if (changes(c, expected)) return c.fixture();
  let f = shared.get(c.route);
  if (!f) shared.set(c.route, (f = c.fixture()));
  return f;
}

const locks = new Map<string, Promise<unknown>>();
function serially<T>(key: string | undefined, run: () => Promise<T>): Promise<T> {
  if (!key) return run();
  const result = (locks.get(key) ?? Promise.resolve()).then(run, run);
  locks.set(key, result.catch(() => undefined));
  return result;
}

/** The route keys the matrix's cells reached, and those the public test reached. */
const exercised = new Set<string>();
const exercisedPublic = new Set<string>();

describe(`authorization matrix over HTTP (${cells.length} cells)`, () => {
  beforeAll(async () => {
    // The shared fixtures of cases are made before the cells compete for the machine; the archive and the evaluation
    // follow on their own (their cells run last). A fixture that fails fails its cells, not the others.
    void archived().catch(() => undefined);
    void rated().catch(() => undefined);
    void answeredOrder().catch(() => undefined);
    await Promise.allSettled([refusedCase(), withdrawnJointCase(), openWithFile(), completed()]);
  });

  it.concurrent.each(cells)('$label', async (c) => {
    const expected = expectedOf(c);
    // Only the writers of a singleton take turns; refused cells share its fixture and change nothing.
    const res = await serially(changes(c, expected) ? c.serial : undefined, async () => {
      const fixture = await fixtureOf(c, expected);
      const [method, p, body, headers] = c.request(fixture);
      exercised.add(routeKeyOf(method, p));
      const token = c.isOwner ? await tokenOf(fixture.owner ?? 'zhang.san') : tokenFor(c.role, c.dept, c.center);
      return { method, ...(await send(token, method, p, body, headers)) };
    });
    const detail = typeof res.body === 'string' ? res.body.slice(0, 300) : JSON.stringify(res.body);
    if (expected === 'notReached') expect([403, 404, 412], detail).toContain(res.status);
    else {
      expect(res.status, detail).toBe(expected.status);
      if (expected.type) expect(res.body?.type, detail).toBe(problemUri(expected.type));
    }
    if (c.center === 'other' && res.method === 'GET' && res.status === 200) assertNothingOfCenterDemo(c, res.body);
  }, 60_000);

  it.concurrent('public routes answer anyone, without a token', async () => {
    const anyone = async (method: string, p: string, body?: unknown) => {
      exercisedPublic.add(routeKeyOf(method, p));
      return (await send(undefined, method, p, body)).status;
    };
    expect(await anyone('GET', '/public/items')).toBe(200);
    expect(await anyone('GET', `/public/items/${demoItems[0]!.code}`)).toBe(200);
    expect(await anyone('GET', '/public/calendar/2026')).toBe(200);
    // A real case number with a wrong query code: the same 404 as an unknown number.
    const { id: caseNo } = await refusedCase();
    expect(await anyone('GET', `/public/cases/${caseNo}?code=WRONGCODE`)).toBe(404);
    expect(await anyone('GET', `/public/certificates/C${caseNo.replace(/-/g, '')}ABCDEF0`)).toBe(404);
    expect(await anyone('GET', '/public/licences?limit=5')).toBe(200);
    expect(await anyone('GET', '/public/receipts/20260101-ABCDEFGHJK?checkCode=000000')).toBe(404);
    // The provider's callback: public, and refused (401) unless the provider signed it.
    expect(await anyone('POST', '/payments/notify', { id: 'n-forged', eventType: 'TRANSACTION.SUCCESS' })).toBe(401);
    const username = `mx.pub.${(serial++).toString(36)}.${Date.now().toString(36)}`;
    const registration = { username, email: `${username}@example.com`, phone: '13800138000', verificationTicket: await verificationTicket({ kind: 'citizen', name: '矩阵公众', idNumber: freshIdNumber() }) };
    expect(await anyone('POST', '/public/applicants', registration)).toBe(202);
    expect(await anyone('POST', '/public/applicants', {})).toBe(400);
    expect(await anyone('GET', '/public/evaluation-stats/2025-01')).toBe(200);
    expect(await anyone('GET', '/public/supervision/summary/2025-01')).toBe(200);
    expect(await anyone('GET', '/public/supervision/wall')).toBe(200);
    expect(await anyone('GET', '/public/appraisal/2099-12')).toBe(409);
    expect(await anyone('GET', '/public/hall/center-demo/categories')).toBe(200);
    expect(await anyone('GET', '/public/hall/center-demo/board')).toBe(200);
    expect(await anyone('POST', '/public/hall/center-demo/tickets', {})).toBe(422);
    expect(await anyone('GET', '/public/hall/center-demo/tickets/20260101-01JAAAAAAAAAAAAAAAAAAAAAAA?code=000000')).toBe(404);
    expect(await anyone('GET', '/public/hall/center-demo/appointment-slots?categoryCode=A')).toBe(200);
    expect(await anyone('POST', '/public/hall/center-demo/appointments/01JAAAAAAAAAAAAAAAAAAAAAAA/check-in', { code: '000000' })).toBe(404);
    const slipRating = { ticketId: '20260101-01JAAAAAAAAAAAAAAAAAAAAAAA', code: '000000', rating: 5, indicators: { efficiency: 5, serviceLevel: 5, attitude: 5 } };
    expect(await anyone('POST', '/public/hall/center-demo/visits/01JAAAAAAAAAAAAAAAAAAAAAAA/rate', slipRating)).toBe(404);
    expect([...exercisedPublic].sort()).toEqual(declared('public'));
  });

  // Runs after the concurrent cells above (vitest runs a non-concurrent test after the group before it).
  it('the cells exercise every jwt route of infra/routes.ts, and only those', () => {
    const jwt = declared('jwt');
    const pub = declared('public');
    const missing = jwt.filter((k) => !exercised.has(k));
    console.log(
      `authorization matrix: ${cells.length} cells (${matrixCells.length} = ${routes.length} route cases × ${userRoles.length} roles × 2 departments × 2 centers, ` +
        `+ ${severalDepartmentCells.length} cells of clerks of several departments, + ${ownerCells.length} owner cells); jwt routes covered ${jwt.length - missing.length}/${jwt.length}` +
        `${missing.length ? ` (missing: ${missing.join(', ')})` : ''}; public routes covered ${pub.filter((k) => exercisedPublic.has(k)).length}/${pub.length} by the public test`,
    );
    expect([...exercised].sort()).toEqual(jwt);
  });
});
