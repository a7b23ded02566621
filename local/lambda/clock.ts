/**
 * Emulated time for the local cloud: an offset from the real clock that every
 * function sandbox, the scheduler and the local S3 read, so a test can make the
 * whole cloud live days ahead without sleeping (POST /local/clock). Only the
 * local runtime has it: production code reads `Date` and cannot tell, nor set it.
 *
 * The offset (whole milliseconds) sits in a SharedArrayBuffer that the worker
 * threads read on each `Date.now()` (local/lambda/worker.mjs), so a change
 * reaches every warm sandbox at once, with no message. It is a BigInt64 read
 * and written with Atomics: a plain 64-bit read racing a write may tear.
 * Time never goes back: a function that saw a later instant must not see an
 * earlier one after it.
 */
export class ClockError extends Error {
  override name = 'ClockError';
}

export class LocalClock {
  readonly buffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
  private readonly offset = new BigInt64Array(this.buffer);
  private readonly listeners: (() => void)[] = [];

  get offsetMs(): number {
    return Number(Atomics.load(this.offset, 0));
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the emulated time to `at`; refuses an instant before the emulated now. */
  setTo(at: Date): void {
    const ms = at.getTime();
    if (!Number.isFinite(ms)) throw new ClockError('not a valid instant');
    const real = Date.now();
    const now = real + this.offsetMs;
    if (ms < now) throw new ClockError(`${at.toISOString()} is before the emulated now ${new Date(now).toISOString()}: time does not go back`);
    this.jump(ms - real);
  }

  /** Adds exactly `ms` to the offset. */
  advanceBy(ms: number): void {
    if (!(ms > 0) || !Number.isSafeInteger(ms)) throw new ClockError('advanceMs must be a positive whole number of milliseconds');
    if (Number.isNaN(new Date(Date.now() + this.offsetMs + ms).getTime())) throw new ClockError(`advancing by ${ms} ms leaves the range of dates`);
    this.jump(this.offsetMs + ms);
  }

  private jump(offsetMs: number): void {
    Atomics.store(this.offset, 0, BigInt(offsetMs));
    for (const listener of this.listeners) listener();
  }

  /** Called after each jump (the scheduler re-arms its timers). */
  onJump(listener: () => void): void {
    this.listeners.push(listener);
  }
}
