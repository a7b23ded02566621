/**
 * The monthly complaint figures (投诉统计) over the local cloud: two
 * complaints of a category no other test files (吃拿卡要, bribery) go through
 * their steps, and the month's figures count each step once, on the center's,
 * the category's and the department's rows, with the rates computed by hand.
 */
import { describe, expect, it } from 'vitest';
import { call, centerToday } from './api-client.ts';

const act = (id: string, action: string, as: string, version: number, body: unknown = {}) =>
  call('POST', `/complaints/${id}/${action}`, { as, body, headers: { 'if-match': `"${version}"` } });

async function file(content: string) {
  const res = await call('POST', '/complaints', { as: 'supervisor', body: { channel: 'phone', subject: { type: 'department', departmentId: 'amr' }, category: 'bribery', content, complainant: { name: '赵六', contact: '13600000000' } } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.complaintId as string;
}

describe('a month\'s complaint figures', () => {
  it('count each step once, on the center\'s, the category\'s and the department\'s rows; a department reads its own row', async () => {
    const month = centerToday().slice(0, 7);
    const figures = async (as = 'supervisor') => (await call('GET', `/complaint-figures?month=${month}`, { as })).body;
    const before = await figures();
    const centerBefore = before.center;

    const replied = await file(`窗口索要好处费 ${Date.now()}`);
    const refused = await file(`无法核实的投诉 ${Date.now()}`);
    expect((await act(replied, 'accept', 'supervisor', 1, { departmentId: 'amr' })).status).toBe(200);
    expect((await act(refused, 'notAccept', 'supervisor', 1, { reason: 'unverifiable', explanation: '无法核实' })).status).toBe(200);
    expect((await act(replied, 'reply', 'head.amr', 2, { reply: '经核实属实，已处理', substantiated: true })).status).toBe(200);
    expect((await act(replied, 'rate', 'supervisor', 3, { rating: 'satisfied' })).status).toBe(200);

    const after = await figures();
    const bribery = after.byCategory.find((c: { category: string }) => c.category === 'bribery');
    // Two filed, both decided in time, one not accepted, one assigned, replied in time and substantiated, rated satisfied.
    expect(bribery).toEqual({
      category: 'bribery', filed: 2, decided: 2, decidedOnTime: 2, notAccepted: 1, assigned: 1, replied: 1, repliedOnTime: 1, substantiated: 1, rated: 1, satisfied: 1,
      responseRate: 1, onTimeRate: 1, satisfactionRate: 1,
    });
    // The center's row moved at least as much (other files file complaints in the same month).
    expect(after.center.filed - centerBefore.filed).toBeGreaterThanOrEqual(2);
    expect(after.center.satisfied - centerBefore.satisfied).toBeGreaterThanOrEqual(1);
    expect(after.byDepartment.map((d: { departmentId: string }) => d.departmentId)).toContain('amr');
    expect(JSON.stringify(after)).not.toMatch(/赵六|13600000000/);

    // A department's head: the center's and the categories' rows, and only the own department's.
    const head = await figures('head.housing');
    expect(head.byDepartment.every((d: { departmentId: string }) => d.departmentId === 'housing')).toBe(true);
    expect(head.byCategory.find((c: { category: string }) => c.category === 'bribery')).toEqual(bribery);
    expect((await call('GET', `/complaint-figures?month=${month}`, { as: 'clerk.amr' })).status).toBe(403);
  });
});
