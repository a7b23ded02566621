/**
 * Taking a ticket (取号): the one way a ticket comes into being, for the kiosk,
 * the web, the clerk at the counter and an appointment's check-in alike.
 * Three requests: the category's day counter (the number), the center's
 * waiting list (ahead, and the counts the event carries), the transaction.
 */
import type { Priority, TicketSource } from '#schemas/api/queue';
import type { Actor } from '#schemas/events/envelope';
import type { IdempotencyPut } from '#shared/idempotency';
import { newId } from '#shared/ids';
import { ticketEvent } from './events.ts';
import type { TicketRecord } from './lifecycle.ts';
import { aheadOf, codeHashOf, newTicketCode, ticketNoOf, waitingCounts } from './rules.ts';
import * as store from './store.ts';

export interface IssueInput {
  readonly centerId: string;
  readonly categoryCode: string;
  /** YYYY-MM-DD in the center's time zone. */
  readonly date: string;
  readonly priority: Priority;
  readonly source: TicketSource;
  readonly applicantId?: string;
  readonly appointmentId?: string;
  readonly actor: Actor;
}

export interface IssuedTicket {
  readonly ticketId: string;
  readonly ticketNo: string;
  readonly categoryCode: string;
  readonly date: string;
  readonly priority: Priority;
  readonly status: 'waiting';
  readonly takenAt: string;
  /** The 6-digit code printed on the slip; only its hash is kept. */
  readonly code: string;
  readonly ahead: number;
}

export interface IssueOptions {
  /** Written in the same transaction as the ticket (lib-dynamodb shapes), e.g. an appointment checked in. */
  readonly alsoWrite?: store.TransactItem[];
}

/** Issues a ticket of a category the caller has checked exists. */
export async function issueTicket(input: IssueInput, options: IssueOptions = {}): Promise<IssuedTicket> {
  return (await issue(input, options)).ticket;
}

/**
 * issueTicket, with what a taking route answers besides: the category's
 * service times of the day (the estimated wait) and the request's outcome
 * recorded in the ticket's transaction.
 */
export async function issue(
  input: IssueInput,
  options: IssueOptions & { readonly record?: (ticket: IssuedTicket, serviceSeconds: readonly number[]) => IdempotencyPut | undefined } = {},
): Promise<{ ticket: IssuedTicket; serviceSeconds: number[] }> {
  const { centerId, categoryCode, date } = input;
  const [{ n, serviceSeconds }, hall] = await Promise.all([store.nextNumber(centerId, date, categoryCode), store.hallOf(centerId)]);
  const waiting = await store.waitingOf(centerId, date);
  const ticketId = `${date.replaceAll('-', '')}-${newId()}`;
  const code = newTicketCode();
  const takenAt = new Date().toISOString();
  const record: TicketRecord = {
    ticketId, ticketNo: ticketNoOf(categoryCode, n), centerId, date, categoryCode, priority: input.priority, source: input.source, takenAt,
    codeHash: codeHashOf(ticketId, code), status: 'waiting', calls: 0, version: 1,
    ...(input.applicantId ? { applicantId: input.applicantId } : {}),
    ...(input.appointmentId ? { appointmentId: input.appointmentId } : {}),
  };
  const ahead = aheadOf(record, waiting);
  const counts = waitingCounts(hall.categories.map((c) => c.code), [...waiting, record]);
  const event = ticketEvent('TicketIssued', record, {
    priority: record.priority, source: record.source, takenAt, ahead, ...(record.appointmentId ? { appointmentId: record.appointmentId } : {}),
  }, counts, input.actor, takenAt);
  const ticket: IssuedTicket = { ticketId, ticketNo: record.ticketNo, categoryCode, date, priority: record.priority, status: 'waiting', takenAt, code, ahead };
  await store.putTicket(record, event, options.alsoWrite ?? [], options.record?.(ticket, serviceSeconds));
  return { ticket, serviceSeconds };
}
