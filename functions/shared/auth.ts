/**
 * The caller, read from the JWT claims API Gateway's authorizer has already
 * verified. API Gateway hands array claims over as a string "[a b]"; both
 * forms are accepted so the same code runs behind the local authorizer.
 *
 * Departments: `custom:departmentId` is the primary one; a person authorized
 * for several (a general window, 综合窗口) also carries `custom:departmentIds`,
 * all of them, comma-separated. An account or token with only
 * `custom:departmentId` is authorized for exactly that department.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { userRoles, type UserRole } from '#schemas/api/common';
import { unauthorized } from './errors.ts';

export type StaffRole = UserRole;

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

/** The verified caller, or 401 when the route carries no usable claims. */
export function callerOf(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Caller {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
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
