import { describe, expect, it } from 'vitest';
import { secretsEqual } from '#shared/secrets';

describe('secretsEqual', () => {
  it('matches the same secret only', () => {
    expect(secretsEqual('K7Q2M9', 'K7Q2M9')).toBe(true);
    expect([secretsEqual('K7Q2M9', 'K7Q2M8'), secretsEqual('K7Q2M9', 'k7q2m9'), secretsEqual('K7Q2M9', 'K7Q2M9 ')]).toEqual([false, false, false]);
  });

  it('refuses any length, and nothing kept, without throwing (timingSafeEqual alone throws on unequal lengths)', () => {
    expect([secretsEqual('', 'x'), secretsEqual('x'.repeat(10_000), 'x'), secretsEqual('123456', undefined), secretsEqual('', undefined)]).toEqual([false, false, false, false]);
  });
});
