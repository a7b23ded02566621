/**
 * The local cloud's own endpoints under /local/ on the API port (never part of
 * the template): the issuer's JWKS and dev token endpoint, the demo users, the
 * Cognito Identity Provider emulator (/local/cognito), DLQ admin, counters,
 * the emulated clock (/local/clock), the identity provider simulator (/local/identity/), the
 * payment provider simulator (/local/payments/), and the user pool's OAuth token endpoint for
 * systems calling as themselves (/local/oauth2/token, client credentials, as Cognito's domain serves it).
 */
import type { HttpResult } from './api/payload.ts';
import { DisabledUserError, UnknownUserError, localClientSecret, type LocalIssuer } from './auth/issuer.ts';
import type { ServiceClientModel } from './template.ts';
import { handleCognito } from './cognito/emulator.ts';
import type { DlqMessage } from './bus/dlq.ts';
import type { SmsSink } from './sns/sms-sink.ts';
import type { FaultRule } from './lambda/runtime.ts';
import { ClockError, type LocalClock } from './lambda/clock.ts';
import type { IdentitySimulator } from './identity/simulator.ts';
import { PREFIX as PAYMENTS, type PaymentSimulator } from './payments/simulator.ts';

export interface LocalEndpointDeps {
  readonly issuer: LocalIssuer;
  /** SMS sent through the SNS Publish emulator at /local/sns. */
  readonly sms: SmsSink;
  /** Sets or clears a fault-injection rule (POST /local/faults). */
  readonly faults: (rule: FaultRule) => void;
  readonly dlq: {
    list(): Promise<{ queue: string; count: number; messages: DlqMessage[] }[]>;
    redrive(queue?: string, messageIds?: readonly string[]): Promise<{ redriven: number; failed: number }>;
    remove(queue: string, messageIds?: string[]): Promise<number>;
  };
  stats(): unknown;
  /** Emulated time (GET/POST /local/clock). */
  readonly clock: LocalClock;
  /** Real-name verification tickets (POST /local/identity/tickets, /local/identity/redeem). */
  readonly identity?: IdentitySimulator;
  /** The payment provider (its merchant API, cashier page and test controls under /local/payments/). */
  readonly payments?: PaymentSimulator;
  /** The template's client-credentials app clients (POST /local/oauth2/token). */
  readonly serviceClients?: readonly ServiceClientModel[];
}

const json = (status: number, body: unknown): HttpResult => ({
  status,
  headers: [['content-type', 'application/json']],
  body: Buffer.from(JSON.stringify(body)),
});

function parseBody(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function localEndpoints(deps: LocalEndpointDeps) {
  return async (method: string, path: string, body: Buffer, _query?: URLSearchParams, headers: Record<string, string | undefined> = {}): Promise<HttpResult | undefined> => {
    // The SDK posts to the endpoint's path as given (`<apiUrl>/local/cognito`); a trailing slash is accepted too.
    if (path === '/local/cognito' || path === '/local/cognito/') return handleCognito(deps.issuer, method, headers['x-amz-target'], body);
    if ((path === '/local/sns' || path === '/local/sns/') && method === 'POST') return deps.sms.handle(body);
    if (deps.identity && path.startsWith('/local/identity/')) {
      const input = parseBody(body);
      return input ? deps.identity.handle(method, path, input) : json(400, { message: 'send a JSON object' });
    }
    if (deps.payments && path.startsWith(`${PAYMENTS}/`)) {
      const input = parseBody(body);
      return input ? deps.payments.handle(method, path, input, headers) : json(400, { message: 'send a JSON object' });
    }
    const route = `${method} ${path}`;
    if (route === 'POST /local/oauth2/token') return clientCredentialsToken(deps, body, headers.authorization);
    switch (route) {
      case 'GET /local/.well-known/jwks.json':
        return json(200, deps.issuer.jwks());
      case 'GET /local/.well-known/openid-configuration':
        return json(200, { issuer: deps.issuer.issuerUrl, jwks_uri: deps.issuer.jwksUrl, id_token_signing_alg_values_supported: ['RS256'] });
      case 'POST /local/token': {
        const input = parseBody(body);
        if (!input || typeof input.username !== 'string') return json(400, { message: 'send {"username":"<demo user>"}' });
        try {
          return json(200, { token: deps.issuer.mint(input.username) });
        } catch (err) {
          // Cognito signs no disabled user in (NotAuthorizedException "User is disabled.").
          if (err instanceof DisabledUserError) return json(403, { message: err.message, username: err.username });
          if (!(err instanceof UnknownUserError)) throw err;
          return json(400, { message: err.message, users: deps.issuer.listUsers().map((u) => u.username) });
        }
      }
      case 'GET /local/clock':
        return json(200, { now: deps.clock.now().toISOString(), offsetMs: deps.clock.offsetMs });
      case 'POST /local/clock': {
        // {"at": ISO instant} or {"advanceMs": n > 0}: the functions, schedules and S3 live at that time from now on.
        const input = parseBody(body);
        const at = input?.at;
        const advanceMs = input?.advanceMs;
        // A local time without its offset would mean a different instant on each machine.
        const instant = typeof at === 'string' && /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(at);
        if (!(instant && advanceMs === undefined) && !(typeof advanceMs === 'number' && at === undefined)) {
          return json(400, { message: 'send {"at":"<ISO instant with Z or offset>"} or {"advanceMs":<n > 0>}' });
        }
        try {
          if (instant) deps.clock.setTo(new Date(at));
          else deps.clock.advanceBy(advanceMs as number);
        } catch (err) {
          if (err instanceof ClockError) return json(400, { message: err.message });
          throw err;
        }
        return json(200, { now: deps.clock.now().toISOString(), offsetMs: deps.clock.offsetMs });
      }
      case 'POST /local/faults': {
        // {functionPrefix, rate 0..1, phase before|after|either, match?, limit?}: rate 0 clears the rule.
        const input = parseBody(body);
        const phase = input?.phase ?? 'either';
        if (!input || typeof input.functionPrefix !== 'string' || typeof input.rate !== 'number' || input.rate < 0 || input.rate > 1 || !['before', 'after', 'either'].includes(phase as string)) {
          return json(400, { message: 'send {"functionPrefix":"<logical id prefix>","rate":0..1,"phase":"before|after|either"}' });
        }
        const { match, limit } = input;
        if ((match !== undefined && typeof match !== 'string') || (limit !== undefined && (typeof limit !== 'number' || limit < 1))) {
          return json(400, { message: 'match is a string, limit a number ≥ 1' });
        }
        deps.faults({ functionPrefix: input.functionPrefix, rate: input.rate, phase: phase as FaultRule['phase'], ...(match ? { match } : {}), ...(limit ? { limit } : {}) });
        return json(200, { ok: true });
      }
      case 'GET /local/sms':
        return json(200, { messages: deps.sms.list() });
      case 'GET /local/users':
        return json(200, { users: deps.issuer.listUsers() });
      case 'GET /local/service-clients':
        return json(200, { clients: (deps.serviceClients ?? []).map((c) => ({ ...c, clientSecret: localClientSecret(c.clientId) })) });
      case 'GET /local/dlq':
        return json(200, { queues: await deps.dlq.list() });
      case 'POST /local/dlq/redrive': {
        // Hands each message back to its sender (rule target, function's async queue, bus); only the
        // ones refused at once stay. {redriven, failed}: handed back vs. kept.
        const input = parseBody(body);
        const ids = input?.messageIds;
        if (!input || (input.queue !== undefined && typeof input.queue !== 'string') || (ids !== undefined && !(Array.isArray(ids) && ids.every((i) => typeof i === 'string')))) {
          return json(400, { message: 'send {}, {"queue":"<name>"} or {"queue":"<name>","messageIds":["..."]}' });
        }
        try {
          return json(200, await deps.dlq.redrive(input.queue as string | undefined, ids as string[] | undefined));
        } catch (err) {
          return json(400, { message: (err as Error).message });
        }
      }
      case 'POST /local/dlq/delete': {
        // Like SQS DeleteMessage / PurgeQueue: {queue, messageIds?} (no ids = every message of the queue).
        const input = parseBody(body);
        const ids = input?.messageIds;
        if (!input || typeof input.queue !== 'string' || (ids !== undefined && !(Array.isArray(ids) && ids.every((i) => typeof i === 'string')))) {
          return json(400, { message: 'send {"queue":"<name>","messageIds":["..."]}' });
        }
        try {
          return json(200, { deleted: await deps.dlq.remove(input.queue, ids as string[] | undefined) });
        } catch (err) {
          return json(400, { message: (err as Error).message });
        }
      }
      case 'GET /local/stats':
        return json(200, deps.stats());
      case 'GET /local/health':
        return json(200, { ok: true });
      default:
        return undefined;
    }
  };
}

/**
 * Cognito's token endpoint for the client-credentials grant: the client
 * authenticates with HTTP Basic (id and secret), the form asks
 * `grant_type=client_credentials` and optionally some of its scopes (all of
 * them when none); errors as OAuth 2.0 names them.
 */
function clientCredentialsToken(deps: LocalEndpointDeps, body: Buffer, authorization: string | undefined): HttpResult {
  const form = new URLSearchParams(body.toString('utf8'));
  const basic = /^basic\s+(.+)$/i.exec(authorization ?? '')?.[1];
  const [clientId = '', secret = ''] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
  const client = deps.serviceClients?.find((c) => c.clientId === clientId);
  if (!client || secret !== localClientSecret(clientId)) return json(401, { error: 'invalid_client' });
  if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
  const asked = form.get('scope')?.split(' ').filter(Boolean) ?? client.scopes;
  if (asked.some((scope) => !client.scopes.includes(scope))) return json(400, { error: 'invalid_scope' });
  return json(200, { access_token: deps.issuer.mintServiceToken(clientId, asked), expires_in: 3600, token_type: 'Bearer' });
}
