/**
 * 督办 orders as rules: a supervisor orders the department handling a case
 * to act by a day; the department's admin replies; an order not answered in
 * time becomes a yellow card on its own clock (`order:<orderId>`).
 *
 * Pure: no I/O, no clock.
 */
import type { Order, OrderBody, OrderReplyBody, ThresholdReached, ThresholdSettingsBody } from '#schemas/api/supervision';
import { msg } from '#schemas/api/problems';
import type { Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import type { WorkCalendar } from '#shared/calendar';
import { overdueFrom, startOfDay } from '#shared/clock-rules';
import { fault, forbidden, validationFailed, wrongState, type FieldFault } from '#shared/errors';
import { parseCardId } from './cards.ts';

export type OrderRecord = Order & { readonly centerId: string };

export interface NewOrder {
  readonly orderId: string;
  readonly centerId: string;
  readonly departmentId: string;
  readonly now: string;
  readonly today: string;
  readonly cal: WorkCalendar;
  readonly thresholds: ThresholdSettingsBody;
}

export function newOrder(caller: Caller, body: OrderBody, o: NewOrder): OrderRecord {
  const why = denial(caller, 'supervision.order.issue', { centerId: o.centerId });
  if (why) throw forbidden(why);
  const errors: FieldFault[] = [];
  if (body.dueDate < o.today) errors.push(fault('/body/dueDate', 'in_the_past', msg(`须为今天（${o.today}）或以后`, `must be today (${o.today}) or later`)));
  if (body.cardId && parseCardId(body.cardId).subject.id !== body.caseNo) errors.push(fault('/body/cardId', 'other_case', msg('不是本办件的监察牌', 'is not a card of this case')));
  if (errors.length) throw validationFailed(errors);
  return {
    centerId: o.centerId,
    orderId: o.orderId,
    caseNo: body.caseNo,
    ...(body.cardId ? { cardId: body.cardId } : {}),
    departmentId: o.departmentId,
    instructions: body.instructions,
    dueDate: body.dueDate,
    state: 'open',
    issuedBy: caller.userId,
    issuedAt: o.now,
    overdueAt: startOfDay(o.cal, overdueFrom(o.cal, body.dueDate, o.thresholds.order.yellowOverdueWorkingDays)),
    version: 1,
    updatedAt: o.now,
  };
}

/** The department's reply (the department's admin), once. */
export function replyTo(order: OrderRecord, caller: Caller, body: OrderReplyBody, now: string): OrderRecord {
  const why = denial(caller, 'supervision.order.reply', { centerId: order.centerId, departmentIds: [order.departmentId] });
  if (why) throw forbidden(why);
  if (order.state !== 'open') throw wrongState(msg('此督办已答复。', 'The order was answered already.'));
  return { ...order, state: 'answered', reply: { text: body.reply, by: caller.userId, at: now }, version: order.version + 1, updatedAt: now };
}

/** The threshold an unanswered order reached: its card is the order clock's yellow. */
export const overdueThreshold = (o: OrderRecord): ThresholdReached => ({
  caseNo: o.caseNo,
  departmentId: o.departmentId,
  clock: `order:${o.orderId}`,
  clockKind: 'order',
  level: 'yellow',
  thresholdAt: o.overdueAt,
  due: o.dueDate,
});
