import { describe, expect, it, vi } from 'vitest';
import { cachedPage } from '../../../functions/catalog/list-cache.ts';

describe('the public list\'s page cache', () => {
  it('answers a key from one read while fresh (30 s), then reads again', async () => {
    const read = vi.fn(async () => ({ items: ['A'] }));
    const t0 = 1_000_000;
    expect(await cachedPage('fresh', read, t0)).toEqual({ items: ['A'] });
    expect(await cachedPage('fresh', read, t0 + 29_999)).toEqual({ items: ['A'] });
    expect(read).toHaveBeenCalledTimes(1);
    await cachedPage('fresh', read, t0 + 30_000);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps each key apart and shares one read between concurrent callers', async () => {
    const read = vi.fn(async () => 'page');
    await Promise.all([cachedPage('a', read, 0), cachedPage('a', read, 0), cachedPage('b', read, 0)]);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed read', async () => {
    const failing = vi.fn(async () => { throw new Error('throttled'); });
    await expect(cachedPage('failed', failing, 0)).rejects.toThrow('throttled');
    const read = vi.fn(async () => 'page');
    expect(await cachedPage('failed', read, 1)).toBe('page');
  });

  it('holds at most 200 pages, dropping the oldest', async () => {
    const read = vi.fn(async () => 'page');
    for (let i = 0; i < 400; i++) await cachedPage(`bounded-${i}`, read, 0);
    expect(read).toHaveBeenCalledTimes(400);
    await cachedPage('bounded-200', read, 0);
    expect(read).toHaveBeenCalledTimes(400);
    await cachedPage('bounded-199', read, 0);
    expect(read).toHaveBeenCalledTimes(401);
  });
});
