/**
 * The certificate's life (证照状态), pure: how long it is valid, the states it
 * can be in and the table of what may happen to it in each.
 *
 * A certificate is issued `valid`; an approver may revoke it (撤销, 行政许可法
 * art. 69) or cancel it (注销, art. 70); a renewal or change case's approval
 * supersedes it (延续 / 变更: the new certificate replaces it). `expired` is not
 * stored: it is read from the date (the day after `validUntil`, the center's
 * day), so nothing has to run for a certificate to expire. Every ended state
 * is final: a certificate is never brought back, a new one is issued instead.
 */
import type { CertificateAction, CertificateStatus, StoredCertificateStatus } from '#schemas/api/documents';
import { msg, type Text } from '#schemas/api/problems';
import { problem } from '#shared/errors';
import { documentsProblems } from './problems.ts';
import { maskName } from './rules.ts';
import type { ApplicantKind } from '#schemas/api/common';

/**
 * The last day a certificate is valid: the issue day plus the years, less one
 * day (issued 2026-03-01 for 5 years: valid until 2031-02-28). Issued on
 * 29 February, a year without one ends on the 28th. No years: no end.
 */
export function validUntilOf(issuedOn: string, years: number | undefined): string | undefined {
  if (years === undefined) return undefined;
  const [y, m, d] = issuedOn.split('-').map(Number) as [number, number, number];
  // Day d − 1 of the month `years` later: Date.UTC carries day 0 into the month before, and 29 February − 1 is the 28th in any year.
  const lastDay = new Date(Date.UTC(y + years, m - 1, d - 1));
  return lastDay.toISOString().slice(0, 10);
}

/** Art. 50's period: a renewal is applied for at the latest 30 days before expiry; an item version may set another (`renewalApplyDays`) where a law does. */
export const DEFAULT_RENEWAL_APPLY_DAYS = 30;
/** How long before the last day to apply the holder is reminded: a reminder on that day itself would leave no time to prepare the application. */
export const RENEWAL_REMINDER_LEAD_DAYS = 30;

/** The last day to apply for the renewal (延续): `applyDays` days before the certificate expires, the day after `validUntil` (valid until 2031-02-28, 30 days: 2031-01-30). */
export function renewalApplyBy(validUntil: string, applyDays: number): string {
  const [y, m, d] = validUntil.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1 - applyDays)).toISOString().slice(0, 10);
}

/**
 * When the holder is reminded to renew: 00:00 China time (the certificate's
 * dates are China's) `days` calendar days before the certificate expires, the
 * day after `validUntil` (valid until 2031-02-28, 30 days: 2031-01-30 00:00
 * +08:00). A certificate without a last day is never reminded.
 */
export function renewalReminderAt(validUntil: string, days: number): string {
  const [y, m, d] = validUntil.split('-').map(Number) as [number, number, number];
  // Date.UTC carries days below 1 into the months before; 00:00 in China is 16:00 UTC of the day before.
  return new Date(Date.UTC(y, m - 1, d + 1 - days) - 8 * 3600_000).toISOString();
}

/**
 * The holder as the public check and the register show it (政务公开, art. 40):
 * an enterprise or other organization by its registered name, which is public
 * anyway; a citizen's name masked (personal information).
 */
export const publicHolder = (applicant: { readonly kind: ApplicantKind; readonly name: string }) =>
  applicant.kind === 'enterprise' ? applicant.name : maskName(applicant.name);

/** What a certificate is on `today` (the center's date): its stored state, or `expired` once a valid one is past its last day. */
export function statusOn(c: { readonly status: StoredCertificateStatus; readonly validUntil?: string }, today: string): CertificateStatus {
  if (c.status === 'valid' && c.validUntil !== undefined && today > c.validUntil) return 'expired';
  return c.status;
}

interface Transition {
  readonly from: readonly CertificateStatus[];
  readonly to: StoredCertificateStatus;
  readonly name: Text;
}

/**
 * The table: who may do what is authorization.ts's (`certificate.revoke`,
 * `certificate.cancel`); supersession comes only from the issuing consumer.
 * An expired licence is cancelled (art. 70(1): 有效期届满未延续的), never
 * revoked or renewed (art. 50: renewal is applied for before it expires).
 */
export const certificateTransitions: Readonly<Record<CertificateAction, Transition>> = {
  revoke: { from: ['valid'], to: 'revoked', name: msg('撤销', 'revoked') },
  cancel: { from: ['valid', 'expired'], to: 'cancelled', name: msg('注销', 'cancelled') },
  supersede: { from: ['valid'], to: 'superseded', name: msg('延续或变更', 'renewed or changed') },
};

/** The item variants (办理项) that act on a certificate, and what their approval does to it; a new application (新设) acts on none. */
export const actionOfVariant = { renewal: 'supersede', change: 'supersede', cancellation: 'cancel' } as const satisfies Record<string, CertificateAction>;

const stateName: Readonly<Record<CertificateStatus, Text>> = {
  valid: msg('有效', 'valid'),
  expired: msg('已过期', 'expired'),
  revoked: msg('已撤销', 'revoked'),
  cancelled: msg('已注销', 'cancelled'),
  superseded: msg('已被新证替代', 'superseded'),
};

export interface CertificateState {
  readonly certificateNo: string;
  readonly status: StoredCertificateStatus;
  readonly validUntil?: string;
  /** The day it was revoked, cancelled or superseded. */
  readonly statusOn?: string;
}

/**
 * The state `action` leaves the certificate in on `today`, or the 409 that
 * says why it may not: `certificate-expired` past its last day,
 * `certificate-not-valid` once it has ended (naming the state and its day).
 */
export function transition(c: CertificateState, action: CertificateAction, today: string): StoredCertificateStatus {
  const row = certificateTransitions[action];
  const now = statusOn(c, today);
  if (row.from.includes(now)) return row.to;
  const { zh, en } = row.name;
  if (now === 'expired') {
    throw problem(documentsProblems['certificate-expired'], msg(
      `证照 ${c.certificateNo} 已于 ${c.validUntil} 有效期届满，不能${zh}。`,
      `Certificate ${c.certificateNo} expired after ${c.validUntil}: it cannot be ${en}.`,
    ));
  }
  const on = c.statusOn ? msg(`（${c.statusOn}）`, ` on ${c.statusOn}`) : msg('', '');
  throw problem(documentsProblems['certificate-not-valid'], msg(
    `证照 ${c.certificateNo} ${stateName[now].zh}${on.zh}，不能${zh}。`,
    `Certificate ${c.certificateNo} was ${stateName[now].en}${on.en}: it cannot be ${en}.`,
  ));
}
