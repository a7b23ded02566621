/**
 * Cards (电子监察 warning / yellow / red) as rules: which threshold becomes a
 * card, the card's id, its states and who moves it, and what each change does
 * to the figures. One card per clock and level: its id is made of them.
 *
 * Pure: no I/O, no clock.
 */
import type { AppealBody, AppealDecisionBody, Card, CardLevel, CardState, ThresholdReached } from '#schemas/api/supervision';
import { msg } from '#schemas/api/problems';
import type { Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { HttpProblem, forbidden, wrongState } from '#shared/errors';
import { supervisionProblems } from './problems.ts';

/** The clocks of the card table (DOMAIN.md); delivery has no row: its thresholds are events for the department only. */
const carded = new Set<string>(['case', 'special_procedure', 'pre_review', 'order', 'e_licence', 'complaint']);
export const isCarded = (t: Pick<ThresholdReached, 'clockKind'>) => carded.has(t.clockKind);

/** What a clock is about: a case (its number), or a complaint (its id, a ULID, which no case number is). */
export type CardSubject = { readonly type: 'case' | 'complaint'; readonly id: string };
export const subjectOf = (t: Pick<ThresholdReached, 'caseNo' | 'complaintId'>): CardSubject =>
  t.caseNo ? { type: 'case', id: t.caseNo } : { type: 'complaint', id: t.complaintId! };
const COMPLAINT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** `special_procedure:0` → `special_procedure~0`: ids and keys use `~`, which no clock name has. */
export const cardIdOf = (subject: CardSubject, clock: string, level: CardLevel) => `${subject.id}~${clock.replace(':', '~')}~${level}`;

export function parseCardId(cardId: string): { subject: CardSubject; clock: string; level: CardLevel } {
  const parts = cardId.split('~');
  const level = parts.at(-1) as CardLevel;
  const id = parts[0]!;
  return { subject: { type: COMPLAINT_ID.test(id) ? 'complaint' : 'case', id }, clock: parts.slice(1, -1).join(':'), level };
}

export type CardRecord = Card & { readonly centerId: string; readonly month: string };

/** The states a supervisor still follows: shown as open on the wall and in the default list. */
export const openCardStates: readonly CardState[] = ['issued', 'pending', 'escalated'];
export const isOpenCard = (state: CardState) => openCardStates.includes(state);

export function cardOf(centerId: string, t: ThresholdReached, issuedAt: string, month: string): CardRecord {
  return {
    centerId,
    month,
    cardId: cardIdOf(subjectOf(t), t.clock, t.level),
    ...(t.caseNo ? { caseNo: t.caseNo } : { complaintId: t.complaintId! }),
    departmentId: t.departmentId,
    clock: t.clock,
    clockKind: t.clockKind,
    level: t.level,
    state: 'issued',
    thresholdAt: t.thresholdAt,
    issuedAt,
    due: t.due,
    ...(t.overdueWorkingDays !== undefined ? { overdueWorkingDays: t.overdueWorkingDays } : {}),
    ...(t.handlerIds?.length ? { handlerIds: t.handlerIds } : {}),
    version: 1,
    updatedAt: issuedAt,
  };
}

/** Counter changes (figures) of a card change, by counter name. */
export type Counts = Readonly<Record<string, number>>;

export const issuedCounts = (c: CardRecord): Counts => ({ [`cards_${c.level}`]: 1, issued: 1 });

/** A closed case in the figures: completed, and on time or late by so many working days (none when its limit was never dated). */
export const timelinessCounts = (t: { onTime: boolean; lateWorkingDays: number } | undefined): Counts => ({
  completed: 1,
  ...(t ? (t.onTime ? { completed_on_time: 1 } : { completed_late: 1, lateness_working_days: t.lateWorkingDays }) : {}),
});

const decisionState = { revoked: 'revoked', returned: 'upheld', escalated: 'escalated' } as const satisfies Record<AppealDecisionBody['decision'], CardState>;
export const decisionEvent = { revoked: 'CardRevoked', returned: 'CardUpheld', escalated: 'CardEscalated' } as const;

/** An appeal by the department's admin (申诉): once, while the card is issued. */
export function appeal(card: CardRecord, caller: Caller, body: AppealBody, now: string): CardRecord {
  const why = denial(caller, 'supervision.card.appeal', { centerId: card.centerId, departmentIds: [card.departmentId] });
  if (why) throw forbidden(why);
  if (card.state !== 'issued') {
    throw card.appeal
      ? new HttpProblem(supervisionProblems['card-already-appealed'], msg('此牌已申诉过。', 'This card was appealed already.'))
      : wrongState(msg(`此牌处于 ${card.state} 状态，不能申诉。`, `The card is ${card.state}; it cannot be appealed.`));
  }
  return { ...card, state: 'pending', appeal: { reason: body.reason, evidence: body.evidence, by: caller.userId, at: now }, version: card.version + 1, updatedAt: now };
}

/** A supervisor's decision on the appeal: revoked (leaves the figures), returned (the card stands), escalated (督办). */
export function decideAppeal(card: CardRecord, caller: Caller, body: AppealDecisionBody, now: string): { next: CardRecord; counts: Counts } {
  const why = denial(caller, 'supervision.card.decide', { centerId: card.centerId });
  if (why) throw forbidden(why);
  if (card.state !== 'pending' || !card.appeal) throw wrongState(msg('此牌没有待决的申诉。', 'The card has no appeal waiting for a decision.'));
  const state = decisionState[body.decision];
  const next: CardRecord = {
    ...card,
    state,
    appeal: { ...card.appeal, decision: body.decision, decidedBy: caller.userId, decidedAt: now, note: body.note },
    version: card.version + 1,
    updatedAt: now,
  };
  const counts: Counts = state === 'revoked' ? { [`cards_${card.level}`]: -1, revoked: 1 } : { [state]: 1 };
  return { next, counts };
}

/**
 * The card of a threshold the clock turned out not to reach (its limit moved
 * later when an official year replaced a provisional one): cancelled, out of
 * the figures. A revoked or cancelled card is left as it is.
 */
export function cancel(card: CardRecord, now: string): { next: CardRecord; counts: Counts } | undefined {
  if (card.state === 'revoked' || card.state === 'cancelled') return undefined;
  return { next: { ...card, state: 'cancelled', version: card.version + 1, updatedAt: now }, counts: { [`cards_${card.level}`]: -1, cancelled: 1 } };
}
