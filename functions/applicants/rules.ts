/**
 * The rules of the applicants domain, pure: what a registration must carry
 * for its kind, how its identifier is checked (format, then check character,
 * so the error says which), what an agent authorization may say, and what
 * staff see of an applicant's personal data. No I/O, no clock.
 */
import type { AgentBody, Applicant, RegistrationBody, StaffApplicantView } from '#schemas/api/applicants';
import type { FieldError } from '#schemas/api/common';
import type { Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import {
  isResidentIdNumber,
  isUnifiedSocialCreditCode,
  maskEmail,
  maskPhone,
  maskResidentIdNumber,
  normalizeResidentIdNumber,
  normalizeUnifiedSocialCreditCode,
  residentIdCheckCharacter,
  unifiedSocialCreditCheckCharacter,
} from '#shared/identifiers';

const field = (name: string, code: string, message: string): FieldError => ({ path: `/body/${name}`, code, message });

/** Why a resident ID number is refused: `format`, `check_digit` or `invalid` (province or birth date); none when valid. */
export function idNumberError(raw: string, today: string): FieldError | undefined {
  const s = normalizeResidentIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(s)) return field('idNumber', 'format', 'must be 18 characters: 17 digits and a check character (0-9 or X)');
  if (residentIdCheckCharacter(s.slice(0, 17)) !== s[17]) return field('idNumber', 'check_digit', 'the check character does not match the first 17 digits');
  if (!isResidentIdNumber(s, { today })) return field('idNumber', 'invalid', 'has no known province code or no real birth date');
  return undefined;
}

/** Why a unified social credit code is refused: `format`, `check_digit` or `invalid`; none when valid. */
export function creditCodeError(raw: string): FieldError | undefined {
  const s = normalizeUnifiedSocialCreditCode(raw);
  if (!/^[0-9A-HJ-NPQRTUW-Y]{18}$/.test(s)) return field('creditCode', 'format', 'must be 18 characters of 0-9 and A-Y without I, O, S, V, Z');
  if (unifiedSocialCreditCheckCharacter(s.slice(0, 17)) !== s[17]) return field('creditCode', 'check_digit', 'the check character does not match the first 17 characters');
  if (!isUnifiedSocialCreditCode(s)) return field('creditCode', 'invalid', 'has no known registration authority or division code');
  return undefined;
}

/** The identifier of a registration in canonical form, or every field at fault. */
export function registrationErrors(body: RegistrationBody, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (body.kind === 'citizen') {
    if (body.idNumber === undefined) errors.push(field('idNumber', 'required', 'is required for a citizen'));
    else {
      const e = idNumberError(body.idNumber, today);
      if (e) errors.push(e);
    }
    if (body.creditCode !== undefined) errors.push(field('creditCode', 'unexpected', 'is for enterprises only'));
    if (body.legalRepresentative !== undefined) errors.push(field('legalRepresentative', 'unexpected', 'is for enterprises only'));
  } else {
    if (body.creditCode === undefined) errors.push(field('creditCode', 'required', 'is required for an enterprise'));
    else {
      const e = creditCodeError(body.creditCode);
      if (e) errors.push(e);
    }
    if (body.legalRepresentative === undefined) errors.push(field('legalRepresentative', 'required', 'is required for an enterprise'));
    if (body.idNumber !== undefined) errors.push(field('idNumber', 'unexpected', 'is for citizens only'));
  }
  return errors;
}

/** The registration's identifier in canonical form (call after `registrationErrors` found none). */
export const identifierOf = (body: RegistrationBody): string =>
  body.kind === 'citizen' ? normalizeResidentIdNumber(body.idNumber!) : normalizeUnifiedSocialCreditCode(body.creditCode!);

/** Rules of an agent authorization that a JSON Schema cannot say. */
export function agentErrors(applicantId: string, body: AgentBody, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (body.agentApplicantId === applicantId) errors.push(field('agentApplicantId', 'self', 'an applicant cannot be their own agent'));
  if (body.scope === 'items' && !body.itemCodes) errors.push(field('itemCodes', 'required', 'is required with scope items'));
  if (body.scope === 'all' && body.itemCodes) errors.push(field('itemCodes', 'unexpected', 'must be absent with scope all'));
  if (body.validUntil < today) errors.push(field('validUntil', 'past', 'must be today or later'));
  return errors;
}

/**
 * How staff see an applicant: masked, unless they ask to reveal it and their
 * role may (`applicant.personalData.reveal`). Asking without that right is
 * refused rather than silently masked, so nobody mistakes a mask for the data.
 */
export function revealDecision(caller: Caller, reveal: boolean): 'masked' | 'revealed' | 'refused' {
  if (!reveal) return 'masked';
  return denial(caller, 'applicant.personalData.reveal', { centerId: caller.centerId }) ? 'refused' : 'revealed';
}

/** ID number, phone and email masked; a credit code is public and stays. */
export function masked(a: Applicant): Applicant {
  return {
    ...a,
    email: maskEmail(a.email),
    phone: maskPhone(a.phone),
    ...(a.idNumber ? { idNumber: maskResidentIdNumber(a.idNumber) } : {}),
  };
}

export const staffView = (a: Applicant, reveal: boolean): StaffApplicantView => (reveal ? { ...a, masked: false } : { ...masked(a), masked: true });

/** Today in the center's time zone (Asia/Shanghai, UTC+8 without daylight saving). */
export const centerToday = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
