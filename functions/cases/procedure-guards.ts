/**
 * The lifecycle table's guards of the decision's procedures: a co-department's
 * dissent and the center's coordination (协调), review and decision by
 * different people (审查与审批分离), the hearing (听证, arts. 46–47), and the
 * upper authority's decision on an escalated case (上报件). The table
 * (lifecycle.ts) names them on its rows. Pure.
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

/**
 * The county's decision on a case it escalated follows the upper authority's:
 * the case carries its escalation once returned (`escalation.returnedAt`), and
 * the decision recorded with the return. A case never escalated, or returned
 * before decisions were recorded (its escalation was dropped then), decides as
 * any other.
 */
function upperDecisionGuard(outcome: 'granted' | 'denied'): Guard[] {
  const returned = (c: Pick<CaseRecord, 'escalation'>) => c.escalation?.returnedAt !== undefined;
  return [
    {
      name: 'where the case came back from the upper authority (上报), its decision is recorded',
      problem: p['upper-decision-missing'],
      refuses: (c) =>
        returned(c) && !c.escalation?.upperDecision
          ? msg(`${c.escalation!.authority} 退回时未作出决定：请再次上报，并在退回时记录其决定。`, `${c.escalation!.authority} sent the case back without a decision: escalate it again and record the decision on its return.`)
          : undefined,
    },
    {
      name: `where the upper authority's decision is recorded, it is ${outcome}`,
      problem: p['upper-decision-contrary'],
      refuses: (c) => {
        const d = c.escalation?.upperDecision;
        if (!returned(c) || !d || d.outcome === outcome) return undefined;
        return d.outcome === 'granted'
          ? msg(`${d.authority} 已准予（${d.documentNo}）：不能作出不予许可的决定。`, `${d.authority} granted the case (${d.documentNo}): it cannot be denied.`)
          : msg(`${d.authority} 已决定不予许可（${d.documentNo}）：不能准予。`, `${d.authority} denied the case (${d.documentNo}): it cannot be granted.`);
      },
    },
  ];
}

export const upperDecisionGuards = { approve: upperDecisionGuard('granted'), deny: upperDecisionGuard('denied') };

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
