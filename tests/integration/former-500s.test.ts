/**
 * Inputs that answered 500 before issue 11, replayed over HTTP against the
 * local cloud: each is now a 4xx problem naming what is wrong. Four of the six
 * are replayed where their domain is tested: a token of /public/items on
 * /admin/items and the reverse (catalog.test.ts, "pages the public list"), of
 * /evaluations on /cases and the reverse (evaluation.test.ts), an /archives
 * token in another center (documents.test.ts), a file name with a lone
 * surrogate (documents.test.ts) and intake fields deeper than DynamoDB's 32
 * levels (catalog.test.ts). The edge test (edge-fuzz.test.ts) sends such
 * values to every route.
 */
import { describe, expect, it } from 'vitest';
import { call, freshIdNumber, registerApplicant, type Reply } from './api-client.ts';
import { enterpriseItem, materialsOf } from './cases-client.ts';

const problemType = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;

function expectProblem(reply: Reply, status: number, slug: string, path?: string) {
  expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(status);
  expect(reply.headers.get('content-type')).toContain('application/problem+json');
  expect(reply.body.type).toBe(problemType(slug));
  if (path) expect(reply.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

describe('inputs that answered 500 before issue 11', () => {
  // 1. Case numbers and evaluation ids had no length bound: ~3 000 digits reached DynamoDB as an over-long key.
  const longCaseNo = `370982-20261203-${'9'.repeat(3000)}`;

  it('a 3 000-digit case number → 400 naming the parameter, on the public lookup and the staff routes', async () => {
    expectProblem(await call('GET', `/public/cases/${longCaseNo}?code=ABCD2345EFGH`), 400, 'validation-failed', '/path/caseNo');
    expectProblem(await call('GET', `/cases/${longCaseNo}`, { as: 'clerk.amr' }), 400, 'validation-failed', '/path/caseNo');
    expectProblem(await call('POST', `/cases/${longCaseNo}/accept`, { as: 'clerk.amr', headers: { 'if-match': '"1"' } }), 400, 'validation-failed', '/path/caseNo');
    expectProblem(await call('GET', `/cases/${longCaseNo}/materials`, { as: 'clerk.amr' }), 400, 'validation-failed', '/path/caseNo');
  });

  it('a 3 000-digit evaluation id → 400 naming the parameter', async () => {
    expectProblem(await call('GET', `/evaluations/${longCaseNo}`, { as: 'zhang.san' }), 400, 'validation-failed', '/path/evaluationId');
  });

  // 4. `fields` nested 50 000 deep overflowed the stack while the intake was fingerprinted.
  it('POST /cases with fields nested 50 000 deep → 400 malformed-request (too deep), and no case', async () => {
    const depth = 50_000;
    const rawBody = `{"itemCode":${JSON.stringify(enterpriseItem.code)},"materials":${JSON.stringify(materialsOf(enterpriseItem.code))},"fields":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    // An applicant of this test's own: other files file cases as the demo applicants meanwhile.
    const username = `deep.${Date.now().toString(36)}`;
    expect((await registerApplicant({ kind: 'citizen', username, name: '周九', email: `${username}@example.com`, phone: '13700000000', idNumber: freshIdNumber() })).status).toBe(200);
    const res = await call('POST', '/cases', { as: username, rawBody, headers: { 'content-type': 'application/json', 'idempotency-key': `deep-${Date.now()}` } });
    expectProblem(res, 400, 'malformed-request');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'too_deep' })]));
    const after = await call('GET', '/cases?limit=100', { as: username });
    expect(after.status).toBe(200);
    expect(after.body.items).toEqual([]);
  });
});
