/** Who acts in the documents domain's events, and their source. */
import { actingRole, type Caller } from '#shared/auth';

export const source = 'onestop.documents' as const;

export const actorOf = (caller: Caller, roles: readonly Caller['roles'][number][]) => ({
  id: caller.userId,
  role: actingRole(caller, roles as Caller['roles']),
  ...(caller.departmentId ? { departmentId: caller.departmentId } : {}),
});
