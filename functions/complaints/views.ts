/**
 * The complaint as each caller reads it (pure). The complainant's name and
 * contact are shown to supervisors and to the complainant only: the
 * department complained about reads the complaint without them, and no list
 * carries them.
 */
import type { Complaint, ComplaintSummary } from '#schemas/api/complaints';
import type { Static } from '@sinclair/typebox';
import type { Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { isComplainant, nextActions, type ComplaintRecord } from './lifecycle.ts';

/** Whether the caller may see who complained. */
export const seesComplainant = (c: ComplaintRecord, caller: Caller) =>
  isComplainant(c, caller) || denial(caller, 'complaint.complainant.read', { centerId: c.centerId }) === undefined;

/** A rating without who gave it. */
const withoutRater = ({ by: _by, ...rest }: NonNullable<ComplaintRecord['rating']>) => rest;

export function view(c: ComplaintRecord, caller: Caller, today: string): Complaint {
  const { centerId: _c, timeZone: _t, complainantSub: _s, complainant, filedBy, rating, ...shown } = c;
  const next = nextActions(c, { caller, today });
  if (seesComplainant(c, caller)) return { ...shown, ...(complainant ? { complainant } : {}), filedBy, ...(rating ? { rating } : {}), nextActions: next };
  // An online complainant's account id (who filed, who rated) would name them too.
  return { ...shown, ...(rating ? { rating: withoutRater(rating) } : {}), nextActions: next };
}

/** The due date of the step the complaint waits for: the acceptance decision, or the department's reply. */
const dueOf = (c: ComplaintRecord) => (c.state === 'filed' ? c.acceptDue : c.state === 'assigned' ? c.replyDue : undefined);

export function summary(c: ComplaintRecord, today: string): Static<typeof ComplaintSummary> {
  const due = dueOf(c);
  return {
    complaintId: c.complaintId,
    state: c.state,
    channel: c.channel,
    category: c.category,
    subject: c.subject,
    ...(c.departmentId ? { departmentId: c.departmentId } : {}),
    filedAt: c.filedAt,
    acceptDue: c.acceptDue,
    ...(c.replyDue ? { replyDue: c.replyDue } : {}),
    ...(due ? { overdue: today > due } : {}),
  };
}
