/**
 * The authorization matrix over HTTP: every catalog, org, applicant and documents route × every role
 * × own/other department × own/other center, each cell asserting its status.
 * Callers are synthetic users whose tokens the local issuer's key signs, so
 * every combination exists. Expectations are written out here, apart from
 * functions/shared/authorization.ts, so a change to the rules fails a cell.
 *
 * Applicants' own routes are covered too: a synthetic applicant has no
 * profile, so for them reaching the domain (404 "not registered") is the
 * allowed outcome and 403 the refused one.
 *
 * Fixtures belong to department `amr` of center `center-demo`; "own
 * department" callers are of `amr`, "other department" ones of `housing`,
 * "other center" ones of `center-other`.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userRoles, type UserRole } from '#schemas/api/common';
import { demoItems } from '../../local/seed/items.ts';
import { api, call, cloud, freshCode, freshIdNumber, until } from './api-client.ts';
import { completeCase, documentsOf, openCase, samples, upload } from './documents-client.ts';

const { kid, privateKeyPem } = JSON.parse(readFileSync(path.join(cloud.dataDir, 'issuer-key.json'), 'utf8')) as { kid: string; privateKeyPem: string };
const departmentScoped: readonly UserRole[] = ['clerk', 'approver', 'dept_admin'];

function tokenFor(role: UserRole, dept: 'own' | 'other', center: 'own' | 'other'): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: `matrix-${role}-${dept}-${center}`,
    'cognito:username': `matrix.${role}`,
    'cognito:groups': [role],
    'custom:centerId': center === 'own' ? 'center-demo' : 'center-other',
    ...(departmentScoped.includes(role) ? { 'custom:departmentId': dept === 'own' ? 'amr' : 'housing' } : {}),
    token_use: 'id', aud: cloud.clientId, iss: cloud.issuerUrl, iat: now, exp: now + 900,
  };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createSign('sha256').update(input).sign(privateKeyPem, 'base64url')}`;
}

async function send(token: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${api}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
}

// ---- fixtures, made by real demo users ------------------------------------------------------------
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
const centerBody = { name: '示范县政务服务中心', timeZone: 'Asia/Shanghai' };
async function centerProfile() {
  const res = await call('GET', '/org/center', { as: 'center.admin' });
  return { id: '', etag: res.etag };
}
async function applicant() {
  const username = `mx.app.${(serial++).toString(36)}.${Date.now().toString(36)}`;
  const res = await call('POST', '/public/applicants', {
    body: { kind: 'citizen', username, name: '矩阵申请人', email: `${username}@example.com`, phone: '13800138000', idNumber: freshIdNumber() },
  });
  if (res.status !== 201) throw new Error(`fixture applicant: ${res.status}`);
  return { id: res.body.applicantId as string, etag: res.etag };
}
/** An open case of zhang.san (amr) to upload to. */
async function openCaseFixture() {
  const { caseNo, etag } = await openCase('zhang.san');
  return { id: caseNo, etag };
}
/** An open case of zhang.san (amr) with a received file: `<caseNo>/<fileId>`. */
let fileCase: Promise<Fixture> | undefined;
function openWithFile(): Promise<Fixture> {
  fileCase ??= (async () => {
    const { caseNo } = await openCase('zhang.san');
    const file = await upload(caseNo, 'zhang.san', 'application-form', samples.pdf);
    return { id: `${caseNo}/${file.fileId}`, etag: '' };
  })();
  return fileCase;
}
/** One archived case of zhang.san (amr) with a received file and its documents: `<caseNo>/<fileId>/<documentId>`. */
let archivedCase: Promise<Fixture> | undefined;
function archived(): Promise<Fixture> {
  archivedCase ??= (async () => {
    const { caseNo, etag } = await openCase('zhang.san');
    const file = await upload(caseNo, 'zhang.san', 'application-form', samples.pdf);
    await completeCase(caseNo, etag);
    await until('the archive', async () => ((await call('GET', `/archives/${caseNo}`, { as: 'auditor' })).status === 200 ? true : undefined), 30_000);
    const [doc] = await documentsOf(caseNo, 'zhang.san');
    return { id: `${caseNo}/${file.fileId}/${doc!.documentId}`, etag: '' };
  })();
  return archivedCase;
}
const part = (f: Fixture, i: number) => f.id.split('/')[i]!;
const handlers: Grant = { clerk: 'department', approver: 'department', dept_admin: 'department' };
const archiveReaders: Grant = { center_admin: 'center', supervisor: 'center', auditor: 'center' };

let calendarYear = 2100;
async function calendar() {
  const id = String(calendarYear++);
  const res = await call('PUT', `/admin/calendar/${id}`, { as: 'center.admin', body: { holidays: [`${id}-01-01`], workdays: [] } });
  return { id, etag: res.etag };
}

// ---- the routes and who may use them (in the own center) ------------------------------------------
type Fixture = { id: string; etag: string };
type Grant = Partial<Record<UserRole, 'center' | 'department'>>;
const admins: Grant = { center_admin: 'center', dept_admin: 'department' };
const allStaff: Grant = { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' };

interface Case {
  readonly operationId: string;
  readonly allowed: Grant;
  readonly ok: number;
  readonly fixture?: () => Promise<Fixture>;
  readonly request: (f: Fixture) => [method: string, path: string, body?: unknown, headers?: Record<string, string>];
  /** Addressed to one center-demo resource: another center's caller must not reach it (404 or 403). */
  readonly addressed: boolean;
  /** What a refused applicant gets when the resource is another applicant's (404: it is not shown to exist); default 403. */
  readonly applicantRefused?: number;
}

const ifMatch = (f: Fixture) => ({ 'if-match': f.etag });
const cases: Case[] = [
  { operationId: 'listItems', allowed: admins, ok: 200, addressed: false, request: () => ['GET', '/admin/items?departmentId=amr'] },
  { operationId: 'createItem', allowed: admins, ok: 201, addressed: false, request: () => ['POST', '/admin/items', { code: freshCode('MXC'), content }] },
  { operationId: 'getItemVersion', allowed: admins, ok: 200, addressed: true, fixture: () => item('draft'), request: (f) => ['GET', `/admin/items/${f.id}/versions/1`] },
  { operationId: 'updateItemVersion', allowed: admins, ok: 200, addressed: true, fixture: () => item('draft'), request: (f) => ['PUT', `/admin/items/${f.id}/versions/1`, { content }, ifMatch(f)] },
  { operationId: 'submit', allowed: admins, ok: 200, addressed: true, fixture: () => item('draft'), request: (f) => ['POST', `/admin/items/${f.id}/versions/1/submit`, undefined, ifMatch(f)] },
  { operationId: 'approve', allowed: admins, ok: 200, addressed: true, fixture: () => item('submitted'), request: (f) => ['POST', `/admin/items/${f.id}/versions/1/approve`, undefined, ifMatch(f)] },
  { operationId: 'reject', allowed: admins, ok: 200, addressed: true, fixture: () => item('submitted'), request: (f) => ['POST', `/admin/items/${f.id}/versions/1/reject`, { reason: '不符合' }, ifMatch(f)] },
  { operationId: 'publish', allowed: admins, ok: 200, addressed: true, fixture: () => item('approved'), request: (f) => ['POST', `/admin/items/${f.id}/versions/1/publish`, undefined, ifMatch(f)] },
  { operationId: 'createItemVersion', allowed: admins, ok: 201, addressed: true, fixture: () => item('published'), request: (f) => ['POST', `/admin/items/${f.id}/versions`] },
  { operationId: 'retireItem', allowed: admins, ok: 200, addressed: true, fixture: () => item('published'), request: (f) => ['POST', `/admin/items/${f.id}/retire`, undefined, ifMatch(f)] },
  { operationId: 'getCenter', allowed: allStaff, ok: 200, addressed: true, request: () => ['GET', '/org/center'] },
  { operationId: 'putCenter', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fixture: centerProfile, request: (f) => ['PUT', '/admin/center', centerBody, ifMatch(f)] },
  { operationId: 'listDepartments', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/org/departments'] },
  { operationId: 'putDepartment', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fixture: department, request: (f) => ['PUT', `/admin/departments/${f.id}`, { name: '改名', chiefRepresentative: '某人' }, ifMatch(f)] },
  { operationId: 'listWindows', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/org/windows'] },
  { operationId: 'putWindow', allowed: admins, ok: 200, addressed: true, fixture: window, request: (f) => ['PUT', `/admin/windows/${f.id}`, { name: '改名', departmentIds: ['amr'] }, ifMatch(f)] },
  { operationId: 'listStaff', allowed: allStaff, ok: 200, addressed: false, request: () => ['GET', '/org/staff'] },
  { operationId: 'putStaff', allowed: admins, ok: 200, addressed: true, fixture: staffMember, request: (f) => ['PUT', `/admin/staff/${f.id}`, staffBody, ifMatch(f)] },
  { operationId: 'setStaffStatus', allowed: admins, ok: 200, addressed: true, fixture: staffMember, request: (f) => ['POST', `/admin/staff/${f.id}/disable`, undefined, ifMatch(f)] },
  { operationId: 'getCalendar', allowed: allStaff, ok: 200, addressed: true, fixture: calendar, request: (f) => ['GET', `/calendar/${f.id}`] },
  { operationId: 'putCalendar', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fixture: calendar, request: (f) => ['PUT', `/admin/calendar/${f.id}`, { holidays: [], workdays: [] }, ifMatch(f)] },
  { operationId: 'getMyProfile', allowed: { applicant: 'center' }, ok: 404, addressed: false, request: () => ['GET', '/applicants/me'] },
  { operationId: 'putMyProfile', allowed: { applicant: 'center' }, ok: 404, addressed: false, request: () => ['PUT', '/applicants/me', { name: '某人', email: 'a@example.com', phone: '13800138000' }, { 'if-match': '"1"' }] },
  // Listing needs no profile: an applicant without one has no agents.
  { operationId: 'listMyAgents', allowed: { applicant: 'center' }, ok: 200, addressed: false, request: () => ['GET', '/applicants/me/agents'] },
  { operationId: 'authorizeAgent', allowed: { applicant: 'center' }, ok: 404, addressed: false, request: () => ['POST', '/applicants/me/agents', { agentApplicantId: '01JAAAAAAAAAAAAAAAAAAAAAAA', scope: 'all', validUntil: '2030-01-01' }] },
  { operationId: 'revokeAgent', allowed: { applicant: 'center' }, ok: 404, addressed: false, request: () => ['POST', '/applicants/me/agents/01JAAAAAAAAAAAAAAAAAAAAAAA/revoke'] },
  { operationId: 'getApplicant', allowed: { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center' }, ok: 200, addressed: true, fixture: applicant, request: (f) => ['GET', `/applicants/${f.id}`] },
  { operationId: 'setApplicantAccountStatus', allowed: { center_admin: 'center' }, ok: 200, addressed: true, fixture: applicant, request: (f) => ['POST', `/admin/applicants/${f.id}/disable`] },
  // Documents: the fixtures are zhang.san's cases of amr; a synthetic applicant is another applicant.
  { operationId: 'uploadMaterial', allowed: { clerk: 'department' }, ok: 201, addressed: true, applicantRefused: 404, fixture: openCaseFixture, request: (f) => ['POST', `/cases/${f.id}/materials`, { materialId: 'premises', contentType: 'application/pdf', size: 1000 }] },
  { operationId: 'listCaseFiles', allowed: handlers, ok: 200, addressed: true, applicantRefused: 404, fixture: archived, request: (f) => ['GET', `/cases/${part(f, 0)}/materials`] },
  { operationId: 'verifyMaterial', allowed: { clerk: 'department' }, ok: 200, addressed: true, applicantRefused: 404, fixture: openWithFile, request: (f) => ['POST', `/cases/${part(f, 0)}/materials/${part(f, 1)}/verify`] },
  { operationId: 'downloadMaterial', allowed: handlers, ok: 200, addressed: true, applicantRefused: 404, fixture: archived, request: (f) => ['GET', `/cases/${part(f, 0)}/materials/${part(f, 1)}/download`] },
  { operationId: 'downloadDocument', allowed: handlers, ok: 200, addressed: true, applicantRefused: 404, fixture: archived, request: (f) => ['GET', `/cases/${part(f, 0)}/documents/${part(f, 2)}/download`] },
  { operationId: 'retrieveArchive', allowed: archiveReaders, ok: 200, addressed: true, fixture: archived, request: (f) => ['GET', `/archives/${part(f, 0)}`] },
  { operationId: 'listArchivesDue', allowed: archiveReaders, ok: 200, addressed: false, request: () => ['GET', '/archives?dueBy=2100-01-01'] },
  // Allowed callers reach the rule that the retention has not ended (409); no proposal waits, so approval is 409 too.
  { operationId: 'proposeDisposition', allowed: { center_admin: 'center' }, ok: 409, addressed: true, fixture: archived, request: (f) => ['POST', `/archives/${part(f, 0)}/disposition`, { action: 'destroy', reason: '保管期满' }] },
  { operationId: 'approveDisposition', allowed: { supervisor: 'center' }, ok: 409, addressed: true, fixture: archived, request: (f) => ['POST', `/archives/${part(f, 0)}/disposition/approve`] },
];

const cells = cases.flatMap((c) =>
  userRoles.flatMap((role) => (['own', 'other'] as const).flatMap((dept) => (['own', 'other'] as const).map((center) => ({ ...c, role, dept, center })))),
);

function expectedStatus(c: (typeof cells)[number]): number | 'notReached' {
  const grant = c.allowed[c.role];
  const permitted = grant === 'center' || (grant === 'department' && c.dept === 'own');
  // Another center's caller may act in its own center, but never reaches center-demo's resource.
  if (c.center === 'other' && c.addressed) return 'notReached';
  if (permitted) return c.ok;
  return c.role === 'applicant' && c.applicantRefused ? c.applicantRefused : 403;
}

/** What a list answered to another center's caller must not contain: anything of center-demo. */
function assertNothingOfCenterDemo(operationId: string, body: { items: Record<string, unknown>[] }) {
  if (operationId === 'listItems') {
    for (const i of body.items) expect(String(i.code)).not.toMatch(/^(370982-|MX-)/);
  } else {
    expect(body.items).toEqual([]);
  }
}

describe(`authorization matrix over HTTP (${cells.length} cells)`, () => {
  // Catalog, org, applicants and documents routes; the public ones are checked at the end.
  it.each(cells)('$operationId · $role · $dept department · $center center', async (c) => {
    const fixture = c.fixture ? await c.fixture() : { id: '', etag: '' };
    const [method, p, body, headers] = c.request(fixture);
    const res = await send(tokenFor(c.role, c.dept, c.center), method, p, body, headers);
    const expected = expectedStatus(c);
    if (expected === 'notReached') expect([403, 404, 412]).toContain(res.status);
    else expect(res.status, JSON.stringify(res.body)).toBe(expected);
    if (c.center === 'other' && method === 'GET' && res.status === 200) assertNothingOfCenterDemo(c.operationId, res.body as { items: Record<string, unknown>[] });
  });

  it('public routes answer anyone, without a token', async () => {
    expect((await fetch(`${api}/public/items`)).status).toBe(200);
    expect((await fetch(`${api}/public/items/${demoItems[0]!.code}`)).status).toBe(200);
  });
});
