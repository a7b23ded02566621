/**
 * Case latencies over the local API: intake (with an Idempotency-Key), accept
 * and a case read, each p50/p99 over sequential requests after a warm-up.
 */
import { demoItems } from '../local/seed/items.ts';
import { percentile, timeIt } from './stats.ts';

type Call = (url: string, init?: RequestInit & { token?: string }) => Promise<{ status: number; etag: string; body: any }>;

export async function caseFigures(api: string, call: Call, tokens: { applicant: string; clerk: string }, n = 100) {
  const item = demoItems.find((i) => i.code === '370982-AMR-XK-001')!;
  const body = (i: number) =>
    JSON.stringify({
      itemCode: item.code,
      fields: { proposedName: `基准测试公司${i}`, enterpriseType: '有限责任公司' },
      materials: item.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count })),
    });
  const intake = (i: number) =>
    call(`${api}/cases`, { method: 'POST', token: tokens.applicant, headers: { 'idempotency-key': `bench-${Date.now()}-${i}` }, body: body(i) });
  for (let i = 0; i < 10; i++) await intake(-i - 1);

  const intakeMs: number[] = [];
  const acceptMs: number[] = [];
  const readMs: number[] = [];
  for (let i = 0; i < n; i++) {
    let created: Awaited<ReturnType<Call>> | undefined;
    intakeMs.push(await timeIt(async () => (created = await intake(i))));
    if (created?.status !== 201) throw new Error(`intake answered ${created?.status}`);
    const caseNo = created.body.caseNo as string;
    let accepted: Awaited<ReturnType<Call>> | undefined;
    acceptMs.push(await timeIt(async () => (accepted = await call(`${api}/cases/${caseNo}/accept`, { method: 'POST', token: tokens.clerk, headers: { 'if-match': created!.etag } }))));
    if (accepted?.status !== 200) throw new Error(`accept answered ${accepted?.status}`);
    for (let r = 0; r < 3; r++) readMs.push(await timeIt(() => call(`${api}/cases/${caseNo}`, { token: tokens.clerk })));
  }
  const figures = (xs: number[]) => ({ n: xs.length, p50Ms: percentile(xs, 50), p99Ms: percentile(xs, 99) });
  return { intake: figures(intakeMs), accept: figures(acceptMs), read: figures(readMs) };
}
