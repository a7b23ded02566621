/**
 * The center admin's decision on a staff member whose complaints found
 * substantiated in a year reached the center's threshold (投诉属实, 调离窗口):
 * the complaints domain suggests it (StaffRemovalSuggested), the admin decides
 * once per person and year — off every window, or kept with the reason — and
 * the decision is audited through its event. The count and the threshold are
 * the complaints domain's; the staff entry and the decision are the org's.
 */
import type { Staff, StaffRemovalBody, StaffRemovalDecision } from '#schemas/api/org';
import { msg } from '#schemas/api/problems';
import type { StaffRemovalDecidedData } from '#schemas/events/org';
import { actingRole, type Caller } from '#shared/auth';
import { rolesFor } from '#shared/authorization';
import { HttpProblem, notFound } from '#shared/errors';
import type { EventDraft } from '#shared/events';
import type { RemovalStanding } from '../complaints/public.ts';
import { orgProblems } from './problems.ts';
import type { Stored } from './store.ts';

export interface RemovalOutcome {
  readonly decision: StaffRemovalDecision;
  /** The staff entry off every window, when the decision takes them off. */
  readonly staff?: Stored<Staff>;
  readonly event: EventDraft<StaffRemovalDecidedData>;
}

/** Pure: the decision and what it changes, or the problem that refuses it (nothing written). */
export function decideRemoval(
  caller: Caller,
  input: { username: string; year: number; body: StaffRemovalBody; now: string },
  found: { staff: Stored<Staff> | undefined; standing: RemovalStanding; decided: boolean },
): RemovalOutcome {
  const { username, year, body, now } = input;
  const { staff, standing } = found;
  if (!staff) throw notFound(msg(`本中心没有人员 ${username}。`, `No staff member ${username} in this center.`));
  if (found.decided) {
    throw new HttpProblem(orgProblems['removal-already-decided'], msg(`${username} ${year} 年的调离窗口已有决定。`, `The removal of ${username} for ${year} was decided already.`));
  }
  if (standing.substantiated < standing.threshold) {
    throw new HttpProblem(orgProblems['removal-not-suggested'], msg(
      `${username} ${year} 年被认定属实的投诉为 ${standing.substantiated} 件，未达到调离建议的 ${standing.threshold} 件。`,
      `${username} has ${standing.substantiated} substantiated complaints in ${year}, below the center's threshold of ${standing.threshold}: no removal was suggested.`,
    ));
  }
  const decision: StaffRemovalDecision = {
    username, year, ...body, substantiated: standing.substantiated, threshold: standing.threshold, windowIdsBefore: staff.windowIds, decidedBy: caller.userId, decidedAt: now,
  };
  const removes = body.decision === 'remove_from_windows' && staff.windowIds.length > 0;
  return {
    decision,
    ...(removes ? { staff: { ...staff, windowIds: [], updatedAt: now, updatedBy: caller.userId, rev: staff.rev + 1 } } : {}),
    event: {
      source: 'onestop.org',
      detailType: 'StaffRemovalDecided',
      centerId: caller.centerId,
      occurredAt: now,
      actor: { id: caller.userId, role: actingRole(caller, rolesFor('org.staff.removal.decide')) },
      subject: { type: 'staff', id: username },
      data: decision,
    },
  };
}
