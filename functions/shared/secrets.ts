/**
 * Comparing what a caller typed (a query code, a slip's code, a booking code)
 * with what is kept, in one place: the SHA-256 digests of both compared in
 * constant time, so the time taken tells nothing of where they differ or how
 * long either is.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `given` equals `kept`; nothing kept (undefined) never matches, in the same time. */
export function secretsEqual(given: string, kept: string | undefined): boolean {
  return timingSafeEqual(digest(given), digest(kept ?? given)) && kept !== undefined;
}
