/**
 * Seeds the demo center. Only the center's profile is written straight into
 * the table (centers have no API: operators set them up); departments, windows,
 * the 2026 calendar and every demo item go THROUGH the HTTP API with the demo
 * users' tokens — items are created, submitted, approved and published — so
 * their events, audit records and ETags are the real ones.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putCenterProfile } from '../../functions/org/store.ts';
import { calendar2026 } from '../../functions/shared/calendar-2026.ts';
import { demoCenter, demoUsers } from './center.ts';
import { demoItems } from './items.ts';
import type { LocalCloud } from '../cloud.ts';

export class SeedError extends Error {
  override name = 'SeedError';
}

/** The single table: the one whose logical id starts with `Table`. */
export function mainTableName(cloud: Pick<LocalCloud, 'tables'>): string {
  const entry = Object.entries(cloud.tables).find(([id]) => id.startsWith('Table'));
  if (!entry) throw new SeedError(`no table with a logical id starting with "Table" in ${Object.keys(cloud.tables).join(', ')}`);
  return entry[1];
}

/** Attempts of one seeding request that the API answered 503 or 504 (a busy machine, a cold emulator). */
const ATTEMPTS = 4;

/**
 * One seeding request. A write carries an Idempotency-Key, so that after a 503
 * or 504 the same request is sent again as the API asks: a change that was
 * made is answered from its record, one that was not is made now.
 */
async function call(cloud: LocalCloud, username: string, method: string, path: string, body?: unknown, etag?: string) {
  const key = method === 'GET' ? undefined : randomUUID();
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${cloud.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${cloud.mintToken(username)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(etag ? { 'if-match': etag } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if ((res.status === 503 || res.status === 504) && attempt < ATTEMPTS) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    return { status: res.status, etag: res.headers.get('etag') ?? undefined, text };
  }
}

function expectStatus(step: string, res: { status: number; text: string; etag?: string }, ...ok: number[]): string {
  if (!ok.includes(res.status)) throw new SeedError(`${step}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  if (!res.etag) throw new SeedError(`${step}: HTTP ${res.status} without an ETag header`);
  return res.etag;
}

export async function seedDemoCenter(cloud: LocalCloud, log: (line: string) => void = () => {}): Promise<{ published: string[]; skipped: string[] }> {
  const tableName = mainTableName(cloud);
  const ddb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    await putCenterProfile(DynamoDBDocumentClient.from(ddb), tableName, demoCenter);
  } finally {
    ddb.destroy();
  }

  const users = cloud.users();
  const centerAdmin = users.find((u) => u.roles.includes('center_admin') && u.centerId === demoCenter.centerId);
  if (!centerAdmin) throw new SeedError(`no center_admin user for ${demoCenter.centerId}`);
  // PUT creates an entry that is not there yet; an entry a previous seed made is left as it is.
  const putOnce = async (path: string, body: unknown) => {
    const res = await call(cloud, centerAdmin.username, 'PUT', path, body);
    if (res.status !== 428) expectStatus(`PUT ${path}`, res, 201);
  };
  for (const { departmentId, ...department } of demoCenter.departments) await putOnce(`/admin/departments/${departmentId}`, department);
  for (const { windowId, ...window } of demoCenter.windows) await putOnce(`/admin/windows/${windowId}`, { ...window, departmentIds: [...window.departmentIds] });
  const { year, ...schedule } = calendar2026;
  await putOnce(`/admin/calendar/${year}`, { ...schedule, source: '国办发明电〔2025〕7号' });
  // The demo staff get their directory entries through the org API (their accounts already exist in the local pool).
  const staffUsers = users.filter((u) => u.centerId === demoCenter.centerId && !u.roles.includes('applicant'));
  for (const u of staffUsers) {
    await putOnce(`/admin/staff/${u.username}`, {
      name: u.name, email: `${u.username}@demo.onestop.example`, roles: [...u.roles],
      ...(u.departmentId ? { departmentId: u.departmentId } : {}), ...(u.departmentIds ? { departmentIds: [...u.departmentIds] } : {}),
      windowIds: [...(demoUsers.find((d) => d.username === u.username)?.windowIds ?? [])], backups: [],
    });
  }
  // The demo applicant registers as a citizen would, verified by the identity simulator (a public sample ID number with a valid check digit).
  const registered = await call(cloud, centerAdmin.username, 'POST', '/public/applicants', {
    username: 'zhang.san', email: 'zhang.san@demo.onestop.example', phone: '13800138000',
    verificationTicket: cloud.identityTicket({ kind: 'citizen', name: '张三', idNumber: '11010519491231002X' }),
  });
  if (registered.status !== 202 && registered.status !== 409) expectStatus('register zhang.san', registered, 202);
  log(`seed: center ${demoCenter.centerId} with ${demoCenter.departments.length} departments, ${demoCenter.windows.length} windows, ${staffUsers.length} staff, one applicant and the ${year} calendar`);
  const published: string[] = [];
  const skipped: string[] = [];
  for (const item of demoItems) {
    const dept = item.content.departmentId;
    const admin = users.find((u) => u.roles.includes('dept_admin') && u.departmentId === dept && u.centerId === demoCenter.centerId);
    if (!admin) throw new SeedError(`item ${item.code}: no dept_admin user for department ${dept}`);
    const base = `/admin/items/${encodeURIComponent(item.code)}/versions/1`;
    const created = await call(cloud, admin.username, 'POST', '/admin/items', item);
    let status = 'draft';
    let etag: string;
    if (created.status === 409) {
      // A previous, interrupted seed created it: carry on from where that seed stopped.
      const current = await call(cloud, admin.username, 'GET', base);
      etag = expectStatus(`read ${item.code}`, current, 200);
      status = (JSON.parse(current.text) as { status: string }).status;
      if (status === 'published') {
        skipped.push(item.code);
        continue;
      }
    } else {
      etag = expectStatus(`create ${item.code} as ${admin.username}`, created, 201);
    }
    // The publishing workflow, from the version's current status on.
    const steps = [
      { from: ['draft', 'rejected'], action: 'submit', as: admin.username },
      { from: ['submitted'], action: 'approve', as: centerAdmin.username },
      { from: ['approved'], action: 'publish', as: admin.username },
    ];
    for (const step of steps.slice(steps.findIndex((st) => st.from.includes(status)))) {
      etag = expectStatus(`${step.action} ${item.code} as ${step.as}`, await call(cloud, step.as, 'POST', `${base}/${step.action}`, undefined, etag), 200);
    }
    published.push(item.code);
    log(`seed: published ${item.code} ${item.content.name}`);
  }
  for (const { code, name, departmentId, windowIds } of demoCenter.queueCategories) {
    const itemCodes = demoItems.filter((i) => i.content.departmentId === departmentId).map((i) => i.code);
    await putOnce(`/admin/queue/categories/${code}`, { name, itemCodes, windowIds: [...windowIds] });
  }
  log(`seed: queue categories ${demoCenter.queueCategories.map((c) => `${c.code} ${c.name}`).join(', ')}`);
  return { published, skipped };
}
