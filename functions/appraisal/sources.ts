/**
 * The domains that contribute counts to the monthly appraisal (考核), each
 * through the `AppraisalSource` its public module exports
 * (functions/shared/appraisal-counts.ts). A month closes over all of them.
 *
 * Evaluation, the queue and supervision count staff by the account id their
 * events carry (actor ids, a visit's server, a case's attribution); the scores
 * name staff by username. `byAccount` reads them together with the staff
 * directory (one Query) and names each account by its username (an account
 * the directory no longer has keeps its id: its counts are not dropped).
 */
import type { AppraisalSource } from '#shared/appraisal-counts';
import { complaintsAppraisalSource } from '../complaints/public.ts';
import { evaluationAppraisalSource } from '../evaluation/public.ts';
import { staffOf } from '../org/public.ts';
import { queueAppraisalSource } from '../queue/public.ts';
import { supervisionAppraisalSource } from '../supervision/public.ts';

export function byAccount(sources: readonly AppraisalSource[]): AppraisalSource {
  return async (centerId, month) => {
    const [staff, ...rows] = await Promise.all([staffOf<{ username: string; sub?: string }>(centerId), ...sources.map((s) => s(centerId, month))]);
    const usernames = new Map(staff.flatMap((s) => (s.sub ? [[s.sub, s.username] as const] : [])));
    return rows.flat().map((r) => (r.subject.kind === 'staff' ? { ...r, subject: { kind: 'staff' as const, id: usernames.get(r.subject.id) ?? r.subject.id } } : r));
  };
}

export const appraisalSources: readonly AppraisalSource[] = [
  byAccount([evaluationAppraisalSource, queueAppraisalSource, supervisionAppraisalSource]),
  // Complaints name the staff member at fault by username already.
  complaintsAppraisalSource,
];
