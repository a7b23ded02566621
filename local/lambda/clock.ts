/**
 * Emulated time for the local cloud: an offset from the real clock that every
 * function sandbox and the scheduler read, so a test can make the whole cloud
 * live days ahead without sleeping (POST /local/clock). Only the local runtime
 * has it: production code reads `Date` and cannot tell, nor set it.
 *
 * The offset sits in a SharedArrayBuffer that the worker threads read on each
 * `Date.now()`, so a change reaches every warm sandbox at once, with no message.
 * Time never goes back: a function that saw a later instant must not see an
 * earlier one after it.
 */
export class ClockError extends Error {
  override name = 'ClockError';
}

export class LocalClock {
  readonly buffer = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
  private readonly offset = new Float64Array(this.buffer);
  private readonly listeners: (() => void)[] = [];

  get offsetMs(): number {
    return this.offset[0]!;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the emulated time to `at`; refuses an instant before the emulated now. */
  setTo(at: Date): void {
    const ms = at.getTime();
    if (!Number.isFinite(ms)) throw new ClockError('not a valid instant');
    if (ms < this.now().getTime()) throw new ClockError(`${at.toISOString()} is before the emulated now ${this.now().toISOString()}: time does not go back`);
    this.offset[0] = ms - Date.now();
    for (const listener of this.listeners) listener();
  }

  advanceBy(ms: number): void {
    if (!(ms > 0)) throw new ClockError('advanceMs must be a positive number');
    this.setTo(new Date(this.now().getTime() + ms));
  }

  /** Called after each jump (the scheduler re-arms its timers). */
  onJump(listener: () => void): void {
    this.listeners.push(listener);
  }
}
