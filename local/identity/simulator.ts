/**
 * The identity provider of the local cloud (实名认证 simulator): what a real
 * provider's flow ends with, a one-time ticket for a verified identity, and
 * its redemption by the registration's adapter (functions/applicants/identity/simulator.ts).
 * It lives under /local/ on the API port, never in the template:
 *
 *   POST /local/identity/tickets  { kind, name, idNumber | creditCode + legalRepresentative, level?, ttlSeconds? } → 201 { ticket, expiresAt }
 *   POST /local/identity/redeem   { ticket } → 200 the identity | 422 { refused: unknown | used | expired }
 *
 * Tickets expire on the emulated clock; `ttlSeconds: 0` issues one that has expired already.
 */
import { randomBytes } from 'node:crypto';
import { isResidentIdNumber, isUnifiedSocialCreditCode } from '../../functions/shared/identifiers.ts';
import type { HttpResult } from '../api/payload.ts';
import type { LocalClock } from '../lambda/clock.ts';

export type SimulatedIdentity =
  | { readonly kind: 'citizen'; readonly name: string; readonly idNumber: string; readonly level?: 'real-name' | 'real-person' }
  | { readonly kind: 'enterprise'; readonly name: string; readonly creditCode: string; readonly legalRepresentative: string; readonly level?: 'real-name' | 'real-person' };

interface Ticket { readonly identity: SimulatedIdentity & { level: 'real-name' | 'real-person' }; readonly expiresAt: number; used: boolean }

const DEFAULT_TTL_SECONDS = 300;

const json = (status: number, body: unknown): HttpResult => ({ status, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify(body)) });
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The identity a ticket request names, or why it names none a provider could have verified. */
function identityOf(input: Record<string, unknown>): SimulatedIdentity | string {
  const { kind, name, idNumber, creditCode, legalRepresentative, level } = input;
  if (level !== undefined && level !== 'real-name' && level !== 'real-person') return 'level is real-name or real-person';
  if (!isText(name)) return 'name is required';
  const lv = (level ?? 'real-person') as 'real-name' | 'real-person';
  if (kind === 'citizen' && isText(idNumber) && isResidentIdNumber(idNumber)) return { kind, name, idNumber, level: lv };
  if (kind === 'enterprise' && isText(creditCode) && isUnifiedSocialCreditCode(creditCode) && isText(legalRepresentative)) return { kind, name, creditCode, legalRepresentative, level: lv };
  return 'send a citizen { kind, name, idNumber (valid) } or an enterprise { kind, name, creditCode (valid), legalRepresentative }';
}

export class IdentitySimulator {
  private readonly tickets = new Map<string, Ticket>();

  constructor(private readonly clock: LocalClock) {}

  /** A ticket for an identity the simulated provider has verified. */
  issue(identity: SimulatedIdentity, ttlSeconds = DEFAULT_TTL_SECONDS): { ticket: string; expiresAt: string } {
    const ticket = `sim-${randomBytes(18).toString('base64url')}`;
    const expiresAt = this.clock.now().getTime() + ttlSeconds * 1000;
    this.tickets.set(ticket, { identity: { ...identity, level: identity.level ?? 'real-person' }, expiresAt, used: false });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  async handle(method: string, path: string, raw: Record<string, unknown> | undefined): Promise<HttpResult | undefined> {
    if (method !== 'POST') return undefined;
    if (path === '/local/identity/tickets') {
      const ttl = raw?.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      if (typeof ttl !== 'number' || ttl < 0) return json(400, { message: 'ttlSeconds is a number ≥ 0' });
      const { ttlSeconds: _t, ...rest } = raw ?? {};
      const identity = identityOf(rest);
      if (typeof identity === 'string') return json(400, { message: identity });
      return json(201, this.issue(identity, ttl));
    }
    if (path === '/local/identity/redeem') {
      const found = isText(raw?.ticket) ? this.tickets.get(raw.ticket) : undefined;
      if (!found) return json(422, { refused: 'unknown' });
      if (found.used) return json(422, { refused: 'used' });
      if (this.clock.now().getTime() >= found.expiresAt) return json(422, { refused: 'expired' });
      found.used = true;
      return json(200, found.identity);
    }
    return undefined;
  }
}
