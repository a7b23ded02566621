/**
 * The lifecycle table's guards of the decision's procedures: a co-department's
 * dissent and the center's coordination (协调), review and decision by
 * different people (审查与审批分离), and the hearing (听证, arts. 46–47). The
 * table (lifecycle.ts) names them on its rows. Pure.
 */
import { msg } from '#schemas/api/problems';
import type { CaseRecord, Guard } from './lifecycle.ts';
import { caseProblems as p } from './problems.ts';

/** The co-departments whose dissent no coordination has settled: those given after the latest one. */
export function unsettledDissents(c: Pick<CaseRecord, 'jointSteps' | 'coordination'>): string[] {
  const settledUntil = c.coordination?.at ?? '';
  return c.jointSteps.filter((s) => s.agrees === false && (s.at ?? '') > settledUntil).map((s) => s.departmentId);
}

/** A hearing was requested or required and its outcome is not recorded yet. */
const hearingUnderway = (c: Pick<CaseRecord, 'hearing'>) => c.hearing?.request !== undefined && c.hearing.outcome === undefined;

export const decisionGuards = {
  noUnsettledDissent: {
    name: 'no co-department disagrees since the last coordination',
    problem: p['joint-dissent'],
    refuses: (c) => {
      const dissent = unsettledDissents(c).join(', ');
      return dissent
        ? msg(`协办部门不同意（${dissent}）：须经中心协调一致后方可准予，或由牵头部门不予许可。`, `Co-departments disagree (${dissent}): the center coordinates before the case is granted, or the lead department denies.`)
        : undefined;
    },
  },
  unsettledDissent: {
    name: 'a co-department disagrees since the last coordination',
    problem: p['no-joint-dissent'],
    refuses: (c) => (unsettledDissents(c).length ? undefined : msg('没有待协调的协办部门不同意见。', 'No co-department disagreement waits for coordination.')),
  },
  deciderDidNotReview: {
    name: 'where the item separates review and decision, the approver recorded no review opinion on the case',
    problem: p['review-and-decision-separate'],
    refuses: (c, { caller }) =>
      c.item.separateReviewAndDecision && c.reviews.some((r) => r.by === caller?.userId)
        ? msg('本事项审查与审批分离：您已出具审查意见，须由其他审批人决定。', 'This item separates review and decision: you recorded a review opinion, so another approver decides.')
        : undefined,
  },
  noHearingYet: {
    name: 'no hearing requested or required before',
    problem: p['hearing-already-held'],
    refuses: (c) => (c.hearing?.request ? msg('本办件已申请或决定听证。', 'A hearing was already requested or required on this case.') : undefined),
  },
  hearingRightNotNoticed: {
    name: 'the right to a hearing was not noticed before',
    problem: p['hearing-right-already-noticed'],
    refuses: (c) => (c.hearing?.rightNotice ? msg(`已于 ${c.hearing.rightNotice.toldAt} 告知听证权利。`, `The right to a hearing was noticed at ${c.hearing.rightNotice.toldAt}.`) : undefined),
  },
  hearingRightNoticed: {
    name: 'the parties were told of their right to a hearing',
    problem: p['hearing-right-not-noticed'],
    refuses: (c) => (c.hearing?.rightNotice ? undefined : msg('尚未告知听证权利。', 'Nobody was told of the right to a hearing on this case.')),
  },
  withinHearingRequestPeriod: {
    name: 'within 5 working days of the notice of the right',
    problem: p['hearing-request-period-over'],
    refuses: (c, { today }) => {
      const due = c.hearing?.rightNotice?.requestDue;
      return due && today > due ? msg(`听证申请期限已于 ${due} 届满（第四十七条）。`, `The period to ask for a hearing ended on ${due} (art. 47).`) : undefined;
    },
  },
  noHearingRequestOpen: {
    name: 'no party may still ask for a hearing',
    problem: p['hearing-request-period-open'],
    refuses: (c, { today }) => {
      const due = c.hearing?.rightNotice?.requestDue;
      return due && !c.hearing?.request && today <= due ? msg(`当事人可在 ${due} 前申请听证，期满后方可决定。`, `The parties may ask for a hearing until ${due}: the case is decided after that.`) : undefined;
    },
  },
  hearingUnderway: {
    name: 'a hearing is underway',
    problem: p['no-hearing-underway'],
    refuses: (c) => (hearingUnderway(c) ? undefined : msg('本办件没有进行中的听证。', 'No hearing is underway on this case.')),
  },
  hearingScheduled: {
    name: 'the hearing was scheduled and the parties told',
    problem: p['hearing-not-scheduled'],
    refuses: (c) => (c.hearing?.schedule ? undefined : msg('听证尚未通知时间地点。', 'The parties have not been told the time and place of the hearing.')),
  },
  notAHearing: {
    name: 'the suspension is not a hearing (a hearing ends with its outcome)',
    problem: p['hearing-underway'],
    refuses: (c) => (hearingUnderway(c) ? msg('听证进行中：记录听证结果后恢复计时。', 'A hearing is underway: the clock runs again when its outcome is recorded.') : undefined),
  },
} satisfies Record<string, Guard>;
