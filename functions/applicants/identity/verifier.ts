/**
 * The real-name verification port (实名认证). The client completes an identity
 * provider's flow (the unified identity authentication platform, a face
 * verification service, an enterprise's electronic business licence) and gets
 * a one-time ticket; the server redeems it here, through the adapter of the
 * provider the stage names (IDENTITY_PROVIDER), and takes the name and number
 * from the provider, never from the request.
 */
import type { IdentityLevel } from '#schemas/api/applicants';
import { msg } from '#schemas/api/problems';
import { requiredEnv } from '#shared/db';
import { problem } from '#shared/errors';
import { applicantsProblems } from '../problems.ts';
import { oidcSettings, oidcVerifier } from './oidc.ts';
import { simulatorVerifier } from './simulator.ts';

export type VerifiedIdentity =
  | { readonly kind: 'citizen'; readonly name: string; readonly idNumber: string; readonly level: IdentityLevel; readonly provider: string }
  | { readonly kind: 'enterprise'; readonly name: string; readonly creditCode: string; readonly legalRepresentative: string; readonly level: IdentityLevel; readonly provider: string };

/** Why a provider would not vouch for a ticket: none such (or not for this relying party), redeemed already, or too old. */
export type TicketRefusal = 'unknown' | 'used' | 'expired';

export type Verification = { readonly verified: VerifiedIdentity } | { readonly refused: TicketRefusal };

export interface IdentityVerifier {
  /** Redeems the ticket once; a provider that cannot be reached throws (a 500, never a refusal). */
  verify(ticket: string): Promise<Verification>;
}

/**
 * One adapter per provider. The simulator answers only inside the local cloud
 * (its URL is set by the local runtime, never by the template), and infra/config.ts
 * refuses to name it for a deployed stage. `oidc` is any OpenID Connect provider
 * (a unified identity authentication platform, a face verification service) the
 * stage describes in IDENTITY_OIDC_* (infra/config.ts, `identityOidc`).
 */
const adapters: Record<string, () => IdentityVerifier> = {
  simulator: () => simulatorVerifier(requiredEnv('IDENTITY_SIMULATOR_URL')),
  oidc: () => oidcVerifier(oidcSettings(process.env)),
};

let chosen: IdentityVerifier | undefined;
export function identityVerifier(): IdentityVerifier {
  if (chosen) return chosen;
  const name = process.env.IDENTITY_PROVIDER;
  // A stage without a provider (none is written for the deployed stages yet) refuses clearly instead of failing.
  if (!name) throw problem(applicantsProblems['registration-not-offered'], msg('本部署未配置实名认证服务，请到服务中心窗口注册。', 'No identity provider is configured here: register at the center.'));
  const make = adapters[name];
  if (!make) throw new Error(`IDENTITY_PROVIDER ${name} has no adapter`);
  chosen = make();
  return chosen;
}
