import { describe, expect, it } from 'vitest';
import { lazyImport } from '#shared/lazy-import';

describe('lazyImport', () => {
  it('imports on the first call only, and concurrent first calls share that import', async () => {
    let loads = 0;
    const load = lazyImport(async () => ({ n: ++loads }));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(1);
  });

  it('does not keep a failed import: the next call tries again', async () => {
    let loads = 0;
    const load = lazyImport(async () => {
      if (++loads === 1) throw new Error('chunk missing');
      return { ok: true };
    });
    await expect(load()).rejects.toThrow('chunk missing');
    await expect(load()).resolves.toEqual({ ok: true });
    expect(loads).toBe(2);
  });
});
