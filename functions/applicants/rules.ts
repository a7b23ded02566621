/**
 * The rules of the applicants domain, pure: what a registration must carry
 * for its kind, how its identifier is checked (format, then check character,
 * so the error says which), what an agent authorization may say, and what
 * staff see of an applicant's personal data. No I/O, no clock.
 */
import type { AgentBody, Applicant, ApplicantLookupBody, RegistrationBody, StaffApplicantView } from '#schemas/api/applicants';
import { msg, type Text } from '#schemas/api/problems';
import type { AccountStatus } from '#shared/accounts';
import type { Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import type { FieldFault } from '#shared/errors';
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

const field = (name: string, code: string, message: Text): FieldFault => ({ path: `/body/${name}`, code, message });

/** Why a resident ID number is refused: `format`, `check_digit` or `invalid` (province or birth date); none when valid. */
export function idNumberError(raw: string, today: string): FieldFault | undefined {
  const s = normalizeResidentIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(s)) return field('idNumber', 'format', msg('应为 18 位：17 位数字加 1 位校验码（0-9 或 X）', 'must be 18 characters: 17 digits and a check character (0-9 or X)'));
  if (residentIdCheckCharacter(s.slice(0, 17)) !== s[17]) return field('idNumber', 'check_digit', msg('校验码与前 17 位不符', 'the check character does not match the first 17 digits'));
  if (!isResidentIdNumber(s, { today })) return field('idNumber', 'invalid', msg('行政区划代码或出生日期无效', 'has no known province code or no real birth date'));
  return undefined;
}

/** Why a unified social credit code is refused: `format`, `check_digit` or `invalid`; none when valid. */
export function creditCodeError(raw: string): FieldFault | undefined {
  const s = normalizeUnifiedSocialCreditCode(raw);
  if (!/^[0-9A-HJ-NPQRTUW-Y]{18}$/.test(s)) return field('creditCode', 'format', msg('应为 18 位，由数字和除 I、O、S、V、Z 以外的大写字母组成', 'must be 18 characters of 0-9 and A-Y without I, O, S, V, Z'));
  if (unifiedSocialCreditCheckCharacter(s.slice(0, 17)) !== s[17]) return field('creditCode', 'check_digit', msg('校验码与前 17 位不符', 'the check character does not match the first 17 characters'));
  if (!isUnifiedSocialCreditCode(s)) return field('creditCode', 'invalid', msg('登记管理部门代码或行政区划代码无效', 'has no known registration authority or division code'));
  return undefined;
}

/** Every field of a registration at fault for its kind, `today` being the center's date (none when it fits). */
export function registrationErrors(body: RegistrationBody, today: string): FieldFault[] {
  const errors: FieldFault[] = [];
  if (body.kind === 'citizen') {
    if (body.idNumber === undefined) errors.push(field('idNumber', 'required', msg('自然人注册必填', 'is required for a citizen')));
    else {
      const e = idNumberError(body.idNumber, today);
      if (e) errors.push(e);
    }
    if (body.creditCode !== undefined) errors.push(field('creditCode', 'unexpected', msg('仅限法人或其他组织填写', 'is for enterprises only')));
    if (body.legalRepresentative !== undefined) errors.push(field('legalRepresentative', 'unexpected', msg('仅限法人或其他组织填写', 'is for enterprises only')));
  } else {
    if (body.creditCode === undefined) errors.push(field('creditCode', 'required', msg('法人或其他组织注册必填', 'is required for an enterprise')));
    else {
      const e = creditCodeError(body.creditCode);
      if (e) errors.push(e);
    }
    if (body.legalRepresentative === undefined) errors.push(field('legalRepresentative', 'required', msg('法人或其他组织注册必填', 'is required for an enterprise')));
    if (body.idNumber !== undefined) errors.push(field('idNumber', 'unexpected', msg('仅限自然人填写', 'is for citizens only')));
  }
  return errors;
}

/** The identifier of the registration's kind in canonical form (none when it is missing: `registrationErrors` says so). */
export function identifierOf(body: RegistrationBody): string | undefined {
  if (body.kind === 'citizen') return body.idNumber === undefined ? undefined : normalizeResidentIdNumber(body.idNumber);
  return body.creditCode === undefined ? undefined : normalizeUnifiedSocialCreditCode(body.creditCode);
}

/** Rules of an agent authorization that a JSON Schema cannot say. */
export function agentErrors(applicantId: string, body: AgentBody, today: string): FieldFault[] {
  const errors: FieldFault[] = [];
  if (body.agentApplicantId === applicantId) errors.push(field('agentApplicantId', 'self', msg('不能授权本人为代办人', 'an applicant cannot be their own agent')));
  if (body.scope === 'items' && !body.itemCodes) errors.push(field('itemCodes', 'required', msg('授权范围为指定事项（items）时必填', 'is required with scope items')));
  if (body.scope === 'all' && body.itemCodes) errors.push(field('itemCodes', 'unexpected', msg('授权范围为全部事项（all）时不应填写', 'must be absent with scope all')));
  if (body.validUntil < today) errors.push(field('validUntil', 'past', msg('不能早于今天', 'must be today or later')));
  return errors;
}

/**
 * The number a counter lookup names, normalized as registration stores it,
 * and what it is; or the faults of a body naming none, both, or a malformed
 * number (400, not 404). A birth date still to come is no fault here: no
 * registration holds such a number, so it is simply not found.
 */
export function lookupOf(body: ApplicantLookupBody): { by: 'idNumber' | 'creditCode'; identifier: string } | { errors: FieldFault[] } {
  const given = (['idNumber', 'creditCode'] as const).filter((f) => body[f] !== undefined);
  if (given.length !== 1) {
    return { errors: [{ path: '/body', code: 'one_of', message: msg('须且只能填写 idNumber 或 creditCode 之一', 'name exactly one of idNumber and creditCode') }] };
  }
  const by = given[0]!;
  const raw = body[by]!;
  const fault = by === 'idNumber' ? idNumberError(raw, '9999-12-31') : creditCodeError(raw);
  if (fault) return { errors: [fault] };
  return { by, identifier: by === 'idNumber' ? normalizeResidentIdNumber(raw) : normalizeUnifiedSocialCreditCode(raw) };
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

/** The applicant as staff read it, with the account's status (a disabled account's tokens are refused). */
export const staffView = (a: Applicant, status: AccountStatus, reveal: boolean): StaffApplicantView =>
  reveal ? { ...a, status, masked: false } : { ...masked(a), status, masked: true };
