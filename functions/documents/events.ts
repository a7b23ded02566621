/** Who acts in the documents domain's events, and their source. */
import { actingRole, actorDepartment, type Caller } from '#shared/auth';

export const source = 'onestop.documents' as const;

/** `departments`: those of the case acted on, so a person of several departments is recorded for the case's. */
export const actorOf = (caller: Caller, roles: readonly Caller['roles'][number][], departments: readonly string[] = []) => ({
  id: caller.userId,
  role: actingRole(caller, roles as Caller['roles']),
  ...actorDepartment(caller, departments),
});
