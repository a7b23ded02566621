/**
 * The caller, read from the JWT claims API Gateway's authorizer has already
 * verified. API Gateway hands array claims over as a string "[a b]"; both
 * forms are accepted so the same code runs behind the local authorizer.
 *
 * Departments: `custom:departmentId` is the primary one; a person authorized
 * for several (a general window, 综合窗口) also carries `custom:departmentIds`,
 * all of them, comma-separated. An account or token with only
 * `custom:departmentId` is authorized for exactly that department.
 *
 * A system calling as itself (the 12345 hotline) sends an access token of
 * the client-credentials grant: no person, no center claim, only its app
 * client and scope. The stage tells the function which client is which
 * system of which center (SERVICE_CLIENTS, bound where a route takes such
 * calls); anywhere else, and without its role's scope, it is refused.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { SERVICE_SCOPE_SERVER, serviceRoles, userRoles, type ServiceRole, type UserRole } from '#schemas/api/common';
import { msg } from '#schemas/api/problems';
import { forbidden, unauthorized } from './errors.ts';

/** A role a caller acts in: a person's (a Cognito group) or a system's (its app client). */
export type StaffRole = UserRole | ServiceRole;

/** A system's app client as the stage registered it (infra/stacks/identity.ts). */
export interface ServiceClient {
  readonly clientId: string;
  /** The system's name: the caller's username on events. */
  readonly name: string;
  readonly role: ServiceRole;
  readonly centerId: string;
}

export interface Caller {
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly StaffRole[];
  readonly centerId: string;
  /** The primary department: the first of `departmentIds`. */
  readonly departmentId?: string;
  /** Every department the caller is authorized for, the primary first; absent: `departmentId` alone (see callerDepartments). */
  readonly departmentIds?: readonly string[];
}

/** Every department the caller is authorized for, the primary first; none for center-wide staff and applicants. */
export const callerDepartments = (caller: Pick<Caller, 'departmentId' | 'departmentIds'>): readonly string[] =>
  caller.departmentIds ?? (caller.departmentId ? [caller.departmentId] : []);

/** The departments a token names, the primary first, each once. */
export function tokenDepartments(primary: unknown, all: unknown): string[] {
  const listed = typeof all === 'string' ? all.split(',').map((d) => d.trim()).filter(Boolean) : [];
  const first = typeof primary === 'string' && primary !== '' ? [primary] : [];
  return [...new Set([...first, ...listed])];
}

function parseGroups(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || raw === '') return [];
  const trimmed = raw.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1).trim();
    if (inner.startsWith('"')) {
      try {
        return (JSON.parse(trimmed) as unknown[]).map(String);
      } catch {
        return [];
      }
    }
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return trimmed.split(/[\s,]+/).filter(Boolean);
}

const isServiceToken = (claims: Record<string, unknown>) =>
  claims.token_use === 'access' && typeof claims.client_id === 'string' && claims.username === undefined && claims['cognito:username'] === undefined;

/** A system's caller, or 403: a client this function was not told of, or a token without its role's scope. */
function serviceCaller(claims: Record<string, unknown>): Caller {
  const clients = JSON.parse(process.env.SERVICE_CLIENTS ?? '[]') as ServiceClient[];
  const client = clients.find((c) => c.clientId === claims.client_id);
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!client || !scopes.includes(`${SERVICE_SCOPE_SERVER}/${serviceRoles[client.role].scopeName}`)) throw forbidden(msg('此系统不能调用该接口。', 'This system may not call this route.'));
  return { userId: `service:${client.name}`, username: client.name, roles: [client.role], centerId: client.centerId };
}

/** The verified caller, or 401 when the route carries no usable claims. */
export function callerOf(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Caller {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  if (claims && isServiceToken(claims)) return serviceCaller(claims);
  const userId = claims?.sub;
  const centerId = claims?.['custom:centerId'];
  if (typeof userId !== 'string' || typeof centerId !== 'string' || centerId === '') throw unauthorized();
  const departmentIds = tokenDepartments(claims?.['custom:departmentId'], claims?.['custom:departmentIds']);
  const roles = parseGroups(claims?.['cognito:groups']).filter((g): g is StaffRole => (userRoles as readonly string[]).includes(g));
  return {
    userId,
    username: typeof claims?.['cognito:username'] === 'string' ? (claims['cognito:username'] as string) : userId,
    roles,
    centerId,
    ...(departmentIds.length ? { departmentId: departmentIds[0]!, departmentIds } : {}),
  };
}

/**
 * The department recorded on an event's actor: the one of the caller's
 * departments the action was taken for (the first of `resourceDepartments`
 * the caller belongs to), else the caller's primary department.
 */
export function actorDepartment(caller: Caller, resourceDepartments: readonly string[] = []): { departmentId?: string } {
  const departmentId = resourceDepartments.find((d) => callerDepartments(caller).includes(d)) ?? caller.departmentId;
  return departmentId ? { departmentId } : {};
}

/** The role recorded on events: the most specific of the caller's roles that allowed the action. */
export function actingRole(caller: Caller, allowed: readonly StaffRole[]): StaffRole {
  return allowed.find((r) => caller.roles.includes(r)) ?? caller.roles[0] ?? 'applicant';
}
