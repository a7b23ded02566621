/**
 * The archive of a case with 10 materials (1 MB scans): from `complete` to the
 * case's archive location (event delivery included), and the package build as
 * the archive function logs it (read, digest check, write of each object, the
 * manifest, the record).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { percentile } from './stats.ts';

type Call = (url: string, init?: RequestInit & { token?: string }) => Promise<{ status: number; etag: string; body: any }>;

const ITEM = '370982-AMR-XK-003';
const MATERIALS = ['application-form', 'operator-id', 'premises', 'power-of-attorney'];

/** A 1 MB file that is a PDF by its bytes. */
const scan = (i: number) => {
  const bytes = new Uint8Array(1024 * 1024).map((_, j) => (j * 31 + i) % 251);
  bytes.set(new TextEncoder().encode('%PDF-1.7\n'), 0);
  return bytes;
};

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function archiveFigures(api: string, call: Call, tokens: { applicant: string; clerk: string }, logDir: string, runs = 5) {
  const endToEnd: number[] = [];
  const uploads: number[] = [];
  for (let run = 0; run < runs; run++) {
    const created = await call(`${api}/cases`, {
      method: 'POST', token: tokens.applicant,
      body: JSON.stringify({ itemCode: ITEM, materials: MATERIALS.map((materialId) => ({ materialId, form: 'copy', count: 1 })) }),
    });
    if (created.status !== 201) throw new Error(`intake answered ${created.status}`);
    const caseNo = created.body.caseNo as string;
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      const bytes = scan(i);
      const slot = await call(`${api}/cases/${caseNo}/materials`, {
        method: 'POST', token: tokens.applicant,
        body: JSON.stringify({ materialId: MATERIALS[i % MATERIALS.length], contentType: 'application/pdf', size: bytes.length }),
      });
      const { 'content-length': _l, ...headers } = slot.body.upload.headers as Record<string, string>;
      const put = await fetch(slot.body.upload.url, { method: 'PUT', body: bytes, headers });
      if (put.status !== 200) throw new Error(`upload answered ${put.status}`);
    }
    await until(async () => {
      const files = (await call(`${api}/cases/${caseNo}/materials`, { token: tokens.applicant })).body.files as { status: string }[];
      return files.filter((f) => f.status === 'received').length === 10 ? true : undefined;
    });
    uploads.push(performance.now() - t0);
    let etag = created.etag;
    for (const action of ['accept', 'approve', 'complete']) {
      const res = await call(`${api}/cases/${caseNo}/${action}`, { method: 'POST', token: tokens.clerk, headers: { 'if-match': etag }, body: '{}' });
      if (res.status !== 200) throw new Error(`${action} answered ${res.status}`);
      etag = res.etag;
    }
    const t1 = performance.now();
    await until(async () => ((await call(`${api}/cases/${caseNo}`, { token: tokens.clerk })).body.archiveLocation ? true : undefined));
    endToEnd.push(performance.now() - t1);
  }
  const log = (await readdir(logDir)).find((f) => f.startsWith('ArchiveFunction'))!;
  const builds = (await readFile(join(logDir, log), 'utf8')).split('\n').filter((l) => l.includes('"durationMs"')).map((l) => JSON.parse(l).durationMs as number);
  return {
    materials: 10,
    materialBytes: 1024 * 1024,
    runs,
    uploadAndCheck10: { p50Ms: percentile(uploads, 50), maxMs: Math.round(Math.max(...uploads)) },
    packageBuild: { n: builds.length, p50Ms: percentile(builds, 50), maxMs: Math.max(...builds) },
    completeToArchiveLocation: { p50Ms: percentile(endToEnd, 50), maxMs: Math.round(Math.max(...endToEnd)) },
  };
}
