/**
 * The watchers' loop over awake entries (functions/shared/wake-index.ts
 * watchEach): every entry looked at once, a failure counted and the others
 * still looked at, never more than `concurrency` at a time.
 */
import { describe, expect, it } from 'vitest';
import { watchEach } from '#shared/wake-index';

describe('watchEach', () => {
  it('looks at every entry once; one that fails is counted and the rest go on', async () => {
    const seen: number[] = [];
    const out = await watchEach('test watch', [1, 2, 3, 4], async (n) => {
      seen.push(n);
      if (n === 2) throw new Error('boom');
      return n === 4 ? 2 : 1;
    }, (n) => ({ id: String(n) }));
    expect(out).toEqual({ looked: 4, published: 4, failed: 1 });
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('never looks at more than `concurrency` entries at once, and at nothing when none is due', async () => {
    let running = 0;
    let peak = 0;
    const look = async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 1));
      running--;
      return 0;
    };
    expect(await watchEach('test watch', Array.from({ length: 20 }, (_, i) => i), look, () => ({}), 3)).toEqual({ looked: 20, published: 0, failed: 0 });
    expect(peak).toBe(3);
    expect(await watchEach('test watch', [], look, () => ({}), 3)).toEqual({ looked: 0, published: 0, failed: 0 });
  });
});
