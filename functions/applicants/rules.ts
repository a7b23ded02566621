/**
 * The rules of the applicants domain, pure: which verified identity may
 * register and what its registration does to a number already held, how a
 * number is checked (format, then check character, so the error says which),
 * what an agent authorization may say and when it lets the agent act, and what staff see of an applicant's
 * personal data. No I/O, no clock.
 */
import type { AgentBody, AgentGrant, Applicant, ApplicantLookupBody, CreditFlag, IdentityLevel, StaffApplicantView } from '#schemas/api/applicants';
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
import type { VerifiedIdentity } from './identity/verifier.ts';

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

/**
 * A registration is only as good as its verification: real-name (实名) is
 * passed by anyone who knows a name and its number, which is exactly what a
 * squatter knows, and a verified profile can never be reclaimed.
 */
export const requiredIdentityLevel: IdentityLevel = 'real-person';

/** Why a verified identity cannot register (none when it can). */
export const verificationFault = (identity: VerifiedIdentity): 'insufficient_level' | undefined =>
  identity.level === requiredIdentityLevel ? undefined : 'insufficient_level';

/** The verified number in the canonical form its uniqueness item is keyed by. */
export const identifierOf = (identity: VerifiedIdentity): string =>
  identity.kind === 'citizen' ? normalizeResidentIdNumber(identity.idNumber) : normalizeUnifiedSocialCreditCode(identity.creditCode);

/** Who holds a number in the center: nobody, or a profile that was or was not verified when it took it. */
export type Holder = { readonly applicantId: string; readonly verified: boolean } | undefined;

/**
 * What a verified registration does: a free number makes a new profile; one
 * held without verification (a profile from before verification, possibly a
 * squatter's) is reclaimed by its verified holder; one held by a verified
 * profile belongs to the same person, who is told which account has it.
 */
export function registrationPath(holder: Holder): 'new' | 'reclaim' | 'repeat' {
  if (!holder) return 'new';
  return holder.verified ? 'repeat' : 'reclaim';
}

/** The profile's identity fields, as the provider verified them. */
export function verifiedFields(identity: VerifiedIdentity) {
  const number = identifierOf(identity);
  return identity.kind === 'citizen'
    ? { kind: identity.kind, name: identity.name, idNumber: number }
    : { kind: identity.kind, name: identity.name, creditCode: number, legalRepresentative: identity.legalRepresentative };
}

/** A reclaimed profile: its number gone (its verified holder has it now), everything else kept, at its next rev. */
export function released<P extends Applicant & { readonly rev: number }>(profile: P, at: string): P {
  const { idNumber: _i, creditCode: _c, ...rest } = profile;
  return { ...rest, identityReleasedAt: at, updatedAt: at, rev: profile.rev + 1 } as P;
}

/** What an agent list shows of an applicant (no phone, no email, the ID number masked), and what names its account. */
export function cardOf(p: Applicant & { readonly sub: string; readonly credit?: CreditFlag }) {
  return {
    applicantId: p.applicantId,
    sub: p.sub,
    kind: p.kind,
    name: p.name,
    ...(p.idNumber ? { idNumber: maskResidentIdNumber(p.idNumber) } : {}),
    ...(p.creditCode ? { creditCode: p.creditCode } : {}),
    // The bad-credit flag (失信) without its reason: counter intake reads the card, not the profile, and shows 容缺受理 only when allowed.
    ...(p.credit?.excluded ? { creditExcluded: true as const } : {}),
  };
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

/** What decides whether an authorization lets the agent act: the grant (principal's side) and its mirror (agent's side) both carry it. */
export type GrantTerms = Pick<AgentGrant, 'status' | 'validUntil' | 'scope' | 'itemCodes'>;

export type AgencyFault = 'no_authorization' | 'revoked' | 'expired' | 'out_of_scope';

/**
 * Why an authorization does not let the agent act for an item (undefined:
 * for some item) on a day (center time), or undefined when it does: none at
 * all, revoked, past its last day, or not covering the item. The one rule for
 * filing, reading, listing and notices: each asks it at the moment it acts,
 * so a revocation or an expiry takes effect at once.
 */
export function agencyFault(terms: GrantTerms | undefined, itemCode: string | undefined, today: string): AgencyFault | undefined {
  if (!terms) return 'no_authorization';
  if (terms.status !== 'active') return 'revoked';
  if (terms.validUntil < today) return 'expired';
  if (itemCode !== undefined && terms.scope === 'items' && !terms.itemCodes?.includes(itemCode)) return 'out_of_scope';
  return undefined;
}

/** Whether the authorization lets the agent act for the item on the day. */
export const grantCovers = (terms: GrantTerms | undefined, itemCode: string, today: string): boolean => agencyFault(terms, itemCode, today) === undefined;

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

/** The applicant as staff read it, with the account's status (a disabled account's tokens are refused) and the last credit decision (失信), if any. */
export const staffView = (a: Applicant, status: AccountStatus, reveal: boolean, credit?: CreditFlag): StaffApplicantView => ({
  ...(reveal ? { ...a, status, masked: false } : { ...masked(a), status, masked: true }),
  ...(credit ? { credit } : {}),
});
