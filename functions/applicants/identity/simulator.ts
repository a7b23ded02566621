/**
 * The adapter of the local cloud's identity simulator (local/identity/simulator.ts):
 * `POST <url>/redeem { ticket }` answers 200 with the identity or 422 with the
 * reason it refuses. Its answer is checked as a real provider's would be.
 */
import type { IdentityVerifier, TicketRefusal, Verification, VerifiedIdentity } from './verifier.ts';

const refusals: readonly TicketRefusal[] = ['unknown', 'used', 'expired'];
const levels = ['real-name', 'real-person'];
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function identityOf(body: Record<string, unknown>): VerifiedIdentity {
  const { kind, name, idNumber, creditCode, legalRepresentative, level } = body;
  if (!isText(name) || !levels.includes(level as string)) throw new Error('identity simulator: malformed identity');
  const common = { name, level: level as VerifiedIdentity['level'], provider: 'simulator' };
  if (kind === 'citizen' && isText(idNumber)) return { kind, idNumber, ...common };
  if (kind === 'enterprise' && isText(creditCode) && isText(legalRepresentative)) return { kind, creditCode, legalRepresentative, ...common };
  throw new Error('identity simulator: malformed identity');
}

export function simulatorVerifier(url: string): IdentityVerifier {
  return {
    async verify(ticket: string): Promise<Verification> {
      const res = await fetch(`${url}/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket }) });
      const body = (await res.json()) as Record<string, unknown>;
      if (res.status === 200) return { verified: identityOf(body) };
      if (res.status === 422 && refusals.includes(body.refused as TicketRefusal)) return { refused: body.refused as TicketRefusal };
      throw new Error(`identity simulator answered ${res.status}`);
    },
  };
}
