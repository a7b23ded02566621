/**
 * The caller, read from the JWT claims API Gateway's authorizer has already
 * verified. API Gateway hands array claims over as a string "[a b]"; both
 * forms are accepted so the same code runs behind the local authorizer.
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
  readonly departmentId?: string;
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
  const departmentId = claims?.['custom:departmentId'];
  const roles = parseGroups(claims?.['cognito:groups']).filter((g): g is StaffRole => (userRoles as readonly string[]).includes(g));
  return {
    userId,
    username: typeof claims?.['cognito:username'] === 'string' ? (claims['cognito:username'] as string) : userId,
    roles,
    centerId,
    ...(typeof departmentId === 'string' && departmentId !== '' ? { departmentId } : {}),
  };
}

/** The role recorded on events: the most specific of the caller's roles that allowed the action. */
export function actingRole(caller: Caller, allowed: readonly StaffRole[]): StaffRole {
  return allowed.find((r) => caller.roles.includes(r)) ?? caller.roles[0] ?? 'applicant';
}
