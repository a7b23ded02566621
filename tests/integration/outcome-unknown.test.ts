/**
 * "The function ran past its timeout while the transition may already have
 * committed" (issue 11): the cases function runs in this process with its
 * DynamoDB reached through a proxy that stalls it, and a 3-second timeout.
 *  - It answers 504 `outcome-unknown` (problem+json, Retry-After) before the
 *    timeout instead of the runtime's bare 500.
 *  - When the write had committed (answers held), the client's retry with the
 *    same Idempotency-Key gets the recorded outcome (200, replayed) — not the
 *    412 a stale If-Match would get without the key.
 *  - When nothing reached DynamoDB (requests swallowed), the retry with the
 *    same key carries the action out, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { cloud, doc, until } from './api-client.ts';
import { act, itemByMode, submit, timelineOf } from './cases-client.ts';
import { eventFor, inProcess } from './in-process.ts';
import { stallProxy } from './stall-proxy.ts';

const TIMEOUT_MS = 3_000;
const immediate = itemByMode('immediate', 'amr');
let proxy: Awaited<ReturnType<typeof stallProxy>>;
let cases: Awaited<ReturnType<typeof inProcess>>;

beforeAll(async () => {
  proxy = await stallProxy(cloud.endpoints.dynamodb);
  cases = await inProcess(() => import('../../functions/cases/handler.ts'), { AWS_ENDPOINT_URL_DYNAMODB: proxy.url }, { timeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  proxy.release();
  await proxy.close();
});

/** A case of the immediate item (个体工商户), applied for online and accepted at the window: the clerk may approve it now. */
async function acceptedCase() {
  const c = await submit(immediate.code);
  const accepted = await act(c.body.caseNo, 'accept', 'clerk.amr', c.etag);
  return { caseNo: c.body.caseNo as string, etag: accepted.etag };
}

const approve = (caseNo: string, etag: string, key?: string) =>
  cases(eventFor('clerk.amr', 'POST', `/cases/${caseNo}/approve`, '/cases/{caseNo}/approve', {
    params: { caseNo }, headers: { 'if-match': etag, ...(key ? { 'idempotency-key': key } : {}) },
  }));

const stateOf = async (caseNo: string) =>
  (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#center-demo#CASE#${caseNo}`, SK: 'CASE' }, ConsistentRead: true }))).Item as { state: string; version: number };

describe('a transition whose outcome the function cannot know', () => {
  it('committed but unanswered: 504 outcome-unknown in time; the retry with the same key gets the recorded outcome, without it 412', async () => {
    const { caseNo, etag } = await acceptedCase();
    const key = `approve-${caseNo}`;
    proxy.stall('holdAnswers', 'TransactWriteItems');
    const started = Date.now();
    const first = await approve(caseNo, etag, key);
    const took = Date.now() - started;
    expect(first.status, JSON.stringify(first.body)).toBe(504);
    expect(first.headers['content-type']).toBe('application/problem+json');
    expect(first.headers['retry-after']).toBe('1');
    expect(first.body).toMatchObject({ type: 'https://onestop.example.gov.cn/problems/outcome-unknown', status: 504, detail: expect.stringContaining('Idempotency-Key') });
    expect(took).toBeLessThan(TIMEOUT_MS);
    // The transition did commit: DynamoDB got the transaction, only its answer was held.
    await until('the approval committed', async () => ((await stateOf(caseNo)).state === 'approved' ? true : undefined));
    proxy.release();

    const retried = await approve(caseNo, etag, key);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toMatchObject({ caseNo, state: 'approved' });
    expect(retried.etag).toBe(`"${(await stateOf(caseNo)).version}"`);

    const withoutKey = await approve(caseNo, etag);
    expect(withoutKey.status).toBe(412);
    expect((await timelineOf(caseNo)).filter((e) => e.type === 'CaseApproved')).toHaveLength(1);
  });

  it('never sent: 504 in time, nothing changed; the retry with the same key carries the action out once', async () => {
    const { caseNo, etag } = await acceptedCase();
    const key = `approve-${caseNo}`;
    proxy.stall('swallowRequests', 'TransactWriteItems');
    const first = await approve(caseNo, etag, key);
    expect(first.status, JSON.stringify(first.body)).toBe(504);
    expect(first.body.type).toBe('https://onestop.example.gov.cn/problems/outcome-unknown');
    proxy.release();
    expect((await stateOf(caseNo)).state).toBe('accepted');

    const retried = await approve(caseNo, etag, key);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body).toMatchObject({ caseNo, state: 'approved' });
    const again = await approve(caseNo, etag, key);
    expect([again.status, again.headers['idempotent-replayed']]).toEqual([200, 'true']);
    expect((await timelineOf(caseNo)).filter((e) => e.type === 'CaseApproved')).toHaveLength(1);
  });
});
