/** DynamoDB requests of a staff read of an applicant, revealed and masked (≤ 3, the account check included). */
import { beforeAll, describe, expect, it } from 'vitest';
import { call } from './api-client.ts';
import { eventFor, inProcess } from './in-process.ts';

let measured: Awaited<ReturnType<typeof inProcess>>;
beforeAll(async () => {
  measured = await inProcess(() => import('../../functions/applicants/handler.ts'));
});

describe('DynamoDB requests of GET /applicants/{id}', () => {
  it('masked: 2; revealed (with its audit event in the outbox): 3', async () => {
    const me = await call('GET', '/applicants/me', { as: 'zhang.san' });
    const applicantId = me.body.applicantId as string;
    const read = (reveal: boolean) =>
      measured(eventFor('clerk.amr', 'GET', `/applicants/${applicantId}`, '/applicants/{applicantId}', { params: { applicantId }, ...(reveal ? { query: { reveal: 'true' } } : {}) }));
    const masked = await read(false);
    expect(masked.status).toBe(200);
    expect(masked.body.masked).toBe(true);
    // The card with the caller's account check, then the profile with the applicant's account status.
    expect(masked.commands).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
    const revealed = await read(true);
    expect(revealed.status).toBe(200);
    expect(revealed.body.masked).toBe(false);
    expect(revealed.commands).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'PutItemCommand']);
  });
});
