/**
 * Keys of appointments (预约); the queue's own keys are in ../store.ts.
 *
 *   settings   PK CENTER#<c>#APPT                  SK SETTINGS                     { slotMode, openingHours, capacity…, rev }
 *   slot       PK CENTER#<c>#APPT#<date>           SK SLOT#<category>#<HH:MM>      { booked } (TTL 40 days after)
 *   holder     PK CENTER#<c>#APPT#<date>           SK HOLDER#<idKey>#<itemCode>    { appointmentId } while a booking holds it (TTL)
 *   booking    PK CENTER#<c>#APPT#ID#<id>          SK BOOKING                      the booking, with the caller's name and mobile
 *              GSI1 CENTER#<c>#APPT#<date> / <category>#<HH:MM>#<id>        (the day's list for staff)
 *              GSI4 CENTER#<c>#APPLICANT#<sub>#APPOINTMENTS / <date>#<HH:MM>#<id>  (an applicant's own)
 *              GSI5 APPTWATCH / <endsAt>#<c>#<id> while booked             (the missed-booking sweep)
 *   events     PK (the booking's)                  SK EVENT#<ulid>
 *   miss       PK CENTER#<c>#APPT#MISS#<idKey>     SK <missedAt>#<id>              (TTL 30 days)
 *   block      PK CENTER#<c>#APPT#BLOCK            SK <idKey>                      { until } (TTL then)
 *
 * `idKey` is an HMAC of the ID number under a key derived from the
 * deployment's secret: a copy of the table alone does not give the numbers
 * back by hashing the (few) possible ones. The ID number itself is stored nowhere.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AppointmentSettingsBody, AppointmentStatus } from '#schemas/api/appointments';
import type { AppointmentEventData, AppointmentSettingsChangedData } from '#schemas/events/appointments';
import { msg } from '#schemas/api/problems';
import { readCenterContext } from '#shared/center';
import { db, isConcurrentChange, isTransactionConflict, itemAt, queryAll, requiredEnv, tableName, type Item, type ItemKey } from '#shared/db';
import { concurrentRequest, preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { applicantKeys } from '../../applicants/public.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const apptPk = (c: string) => `CENTER#${c}#APPT`;
const dayPk = (c: string, date: string) => `CENTER#${c}#APPT#${date}`;
export const keys = {
  settings: (c: string): ItemKey => ({ PK: apptPk(c), SK: 'SETTINGS' }),
  slot: (c: string, date: string, category: string, start: string): ItemKey => ({ PK: dayPk(c, date), SK: `SLOT#${category}#${start}` }),
  holder: (c: string, date: string, idKey: string, itemCode: string): ItemKey => ({ PK: dayPk(c, date), SK: `HOLDER#${idKey}#${itemCode}` }),
  booking: (c: string, id: string): ItemKey => ({ PK: `CENTER#${c}#APPT#ID#${id}`, SK: 'BOOKING' }),
  block: (c: string, idKey: string): ItemKey => ({ PK: `${apptPk(c)}#BLOCK`, SK: idKey }),
  missPk: (c: string, idKey: string) => `${apptPk(c)}#MISS#${idKey}`,
};
export const WATCH_PK = 'APPTWATCH';

let derived: { secret: string; key: Buffer } | undefined;
/** The ID number's key in this center: an HMAC under a key derived once per container from the deployment's secret. */
export function idKeyOf(centerId: string, idNumber: string): string {
  const secret = requiredEnv('CURSOR_KEY');
  if (derived?.secret !== secret) derived = { secret, key: Buffer.from(hkdfSync('sha256', secret, 'onestop', 'appointment-identity/v1', 32)) };
  return createHmac('sha256', derived.key).update(`${centerId}\n${idNumber.toUpperCase()}`).digest('base64url');
}

/** A booking as stored. */
export interface Booking {
  readonly centerId: string;
  readonly appointmentId: string;
  readonly categoryCode: string;
  readonly itemCode: string;
  readonly date: string;
  readonly start: string;
  readonly end: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: AppointmentStatus;
  readonly bookedBy: 'applicant' | 'clerk';
  readonly applicantId?: string;
  readonly sub?: string;
  readonly name: string;
  readonly mobile?: string;
  readonly idKey: string;
  readonly bookingCode: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly checkedInAt?: string;
  readonly rev: number;
}

export type AppointmentEvent = EventDraft<AppointmentEventData>;

const DAY_S = 86_400;
const expiry = (date: string, days: number) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + days * DAY_S;

function bookingOf(item: Item | undefined): Booking | undefined {
  if (!item) return undefined;
  const { PK: _p, SK: _s, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI4PK: _c, GSI4SK: _d, GSI5PK: _e, GSI5SK: _f, ...rest } = item;
  return rest as unknown as Booking;
}

function bookingItem(b: Booking) {
  return {
    ...keys.booking(b.centerId, b.appointmentId), kind: 'appointment', ...b,
    GSI1PK: dayPk(b.centerId, b.date), GSI1SK: `${b.categoryCode}#${b.start}#${b.appointmentId}`,
    ...(b.sub ? { GSI4PK: `CENTER#${b.centerId}#APPLICANT#${b.sub}#APPOINTMENTS`, GSI4SK: `${b.date}#${b.start}#${b.appointmentId}` } : {}),
    ...(b.status === 'booked' ? { GSI5PK: WATCH_PK, GSI5SK: `${b.endsAt}#${b.centerId}#${b.appointmentId}` } : {}),
  };
}

const put = (Item: Record<string, unknown>, ConditionExpression?: string, values?: Record<string, unknown>): TransactItem => ({
  Put: { TableName: tableName(), Item, ...(ConditionExpression ? { ConditionExpression } : {}), ...(values ? { ExpressionAttributeValues: values } : {}) },
});
const event = (b: Pick<Booking, 'centerId' | 'appointmentId'>, draft: EventDraft<unknown>) => put(outboxItem(keys.booking(b.centerId, b.appointmentId).PK, draft).item);
/** The booking replaced, if still at the rev read. */
const replace = (next: Booking, readRev: number) => put(bookingItem(next), 'rev = :rev', { ':rev': readRev });

/** A place taken in a slot, unless it is full. */
const takePlace = (c: string, b: Pick<Booking, 'date' | 'categoryCode' | 'start'>, capacity: number): TransactItem => ({
  Update: {
    TableName: tableName(), Key: keys.slot(c, b.date, b.categoryCode, b.start),
    UpdateExpression: 'SET kind = :kind, expiresAt = :exp ADD booked :one',
    ConditionExpression: 'attribute_not_exists(booked) OR booked < :cap',
    ExpressionAttributeValues: { ':kind': 'appointmentSlot', ':exp': expiry(b.date, 40), ':one': 1, ':cap': capacity },
  },
});
const givePlace = (c: string, b: Pick<Booking, 'date' | 'categoryCode' | 'start'>): TransactItem => ({
  Update: { TableName: tableName(), Key: keys.slot(c, b.date, b.categoryCode, b.start), UpdateExpression: 'ADD booked :minus', ConditionExpression: 'booked > :zero', ExpressionAttributeValues: { ':minus': -1, ':zero': 0 } },
});
const hold = (b: Booking) => put(
  { ...keys.holder(b.centerId, b.date, b.idKey, b.itemCode), kind: 'appointmentHolder', appointmentId: b.appointmentId, expiresAt: expiry(b.date, 2) },
  'attribute_not_exists(appointmentId)',
);
const release = (b: Booking): TransactItem => ({
  Update: {
    TableName: tableName(), Key: keys.holder(b.centerId, b.date, b.idKey, b.itemCode),
    UpdateExpression: 'REMOVE appointmentId', ConditionExpression: 'appointmentId = :id', ExpressionAttributeValues: { ':id': b.appointmentId },
  },
});

export type WriteRefusal = 'full' | 'held' | 'changed';

const CONFLICT_ATTEMPTS = 30;

/** Whether the slot has no place left now (a strongly consistent read of its counter). */
async function isFull(c: string, b: Pick<Booking, 'date' | 'categoryCode' | 'start'>, capacity: number): Promise<boolean> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: keys.slot(c, b.date, b.categoryCode, b.start), ConsistentRead: true }));
  return Number(out.Item?.booked ?? 0) >= capacity;
}

/**
 * Writes a booking's transaction. A failed condition is the answer (`refusal`
 * maps the positions that failed to it); a conflict with another transaction
 * on the same slot (many booking it at once) is retried after a short random
 * pause, unless the slot has filled meanwhile (`full`).
 */
async function write(items: TransactItem[], refusal: (failed: readonly number[]) => WriteRefusal, full?: () => Promise<boolean>): Promise<WriteRefusal | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (err) {
      const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length) return refusal(failed);
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return 'changed';
      if (!isTransactionConflict(err) || attempt === CONFLICT_ATTEMPTS) throw err;
      if (full && (await full())) return 'full';
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
    }
  }
}

/** The ID number holding the item that day is the answer before a full slot: booking another slot would not help. */
const placeRefusal = (heldAt: number) => (failed: readonly number[]): WriteRefusal => (failed.includes(heldAt) ? 'held' : failed.includes(0) ? 'full' : 'changed');

/** A new booking: a place in its slot (unless full), its holder (unless the ID number holds the item that day), the booking and its event. */
export function book(b: Booking, capacity: number, draft: AppointmentEvent, idempotency?: IdempotencyPut) {
  return write([takePlace(b.centerId, b, capacity), hold(b), put(bookingItem(b), 'attribute_not_exists(PK)'), event(b, draft), ...(idempotency ? [idempotency] : [])],
    placeRefusal(1), () => isFull(b.centerId, b, capacity));
}

/** Cancelled: its place and holder given back, the booking off the sweep. */
export function cancel(current: Booking, next: Booking, draft: AppointmentEvent, idempotency?: IdempotencyPut) {
  return write([givePlace(current.centerId, current), release(current), replace(next, current.rev), event(next, draft), ...(idempotency ? [idempotency] : [])], () => 'changed');
}

/** Moved to another slot in one transaction: the old place given back, the new taken; the holder moves with the date. */
export function reschedule(current: Booking, next: Booking, capacity: number, draft: AppointmentEvent, idempotency?: IdempotencyPut) {
  const sameDay = current.date === next.date;
  const items = [takePlace(next.centerId, next, capacity), givePlace(current.centerId, current), ...(sameDay ? [] : [hold(next), release(current)]), replace(next, current.rev), event(next, draft), ...(idempotency ? [idempotency] : [])];
  return write(items, placeRefusal(sameDay ? -1 : 2), () => isFull(next.centerId, next, capacity));
}

/** What check-in writes in the ticket's transaction: the booking checked in, off the sweep, with its event. */
export const checkInWrites = (current: Booking, next: Booking, draft: AppointmentEvent): TransactItem[] => [replace(next, current.rev), event(next, draft)];

/** The booking marked missed, the miss counted for 30 days, the block when the misses reach the setting. */
export function markMissed(current: Booking, next: Booking, missedAt: string, blockedUntil: string | undefined, draft: AppointmentEvent) {
  const missExpires = Math.floor(Date.parse(missedAt) / 1000) + 30 * DAY_S;
  return write([
    replace(next, current.rev),
    put({ PK: keys.missPk(current.centerId, current.idKey), SK: `${missedAt}#${current.appointmentId}`, kind: 'appointmentMiss', expiresAt: missExpires }),
    ...(blockedUntil ? [put({ ...keys.block(current.centerId, current.idKey), kind: 'appointmentBlock', until: blockedUntil, expiresAt: expiry(blockedUntil, 1) })] : []),
    event(next, draft),
  ], () => 'changed');
}

export const bookingChanged = () => concurrentRequest(msg('该预约正被同时修改；请重新读取后再试。', 'The booking changed at the same moment; read it again and retry.'));

// ---------------------------------------------------------------------------
// Reads

/** The center's context and settings, the caller's block, profile (online) and booking, with the request's checks, in one BatchGetItem. */
export async function bookingContext(centerId: string, now: string, opts: { idKey?: string; sub?: string; appointmentId?: string; alsoRead?: readonly ItemKey[] }) {
  const { center, found } = await readCenterContext(centerId, now, [
    keys.settings(centerId),
    ...(opts.idKey ? [keys.block(centerId, opts.idKey)] : []),
    ...(opts.sub ? [applicantKeys.profile(centerId, opts.sub)] : []),
    ...(opts.appointmentId ? [keys.booking(centerId, opts.appointmentId)] : []),
    ...(opts.alsoRead ?? []),
  ]);
  return {
    center, found,
    settingsItem: itemAt(found, keys.settings(centerId)),
    blockedUntil: opts.idKey ? (itemAt(found, keys.block(centerId, opts.idKey))?.until as string | undefined) : undefined,
    profile: opts.sub ? itemAt(found, applicantKeys.profile(centerId, opts.sub)) : undefined,
    booking: opts.appointmentId ? bookingOf(itemAt(found, keys.booking(centerId, opts.appointmentId))) : undefined,
  };
}

/** The block of an ID number in force, read on its own (the caller's key is known only once the profile is read). */
export async function blockOf(centerId: string, idKey: string): Promise<string | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: keys.block(centerId, idKey), ConsistentRead: true }));
  return out.Item?.until as string | undefined;
}

export async function bookingById(centerId: string, appointmentId: string): Promise<Booking | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: keys.booking(centerId, appointmentId), ConsistentRead: true }));
  return bookingOf(out.Item);
}

/** Places booked in each slot of a category on some dates (`<date>#<HH:MM>` → booked), one Query per date, in parallel. */
export async function bookedPlaces(centerId: string, categoryCode: string, dates: readonly string[]): Promise<Map<string, number>> {
  const days = await Promise.all(dates.map((date) => queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :slot)', ExpressionAttributeValues: { ':pk': dayPk(centerId, date), ':slot': `SLOT#${categoryCode}#` }, ConsistentRead: true,
  }).then((items) => items.map((i) => [`${date}#${String(i.SK).slice(`SLOT#${categoryCode}#`.length)}`, Number(i.booked ?? 0)] as const))));
  return new Map(days.flat());
}

export async function bookingsOfApplicant(centerId: string, sub: string): Promise<Booking[]> {
  const items = await queryAll({ IndexName: 'GSI4', KeyConditionExpression: 'GSI4PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#${centerId}#APPLICANT#${sub}#APPOINTMENTS` }, ScanIndexForward: false });
  return items.map((i) => bookingOf(i)!);
}

export async function bookingsOfDay(centerId: string, date: string, categoryCode?: string): Promise<Booking[]> {
  const items = await queryAll({
    IndexName: 'GSI1', KeyConditionExpression: categoryCode ? 'GSI1PK = :pk AND begins_with(GSI1SK, :cat)' : 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': dayPk(centerId, date), ...(categoryCode ? { ':cat': `${categoryCode}#` } : {}) },
  });
  return items.map((i) => bookingOf(i)!);
}

/** Bookings whose slot ended before `now` and still booked: `{ centerId, appointmentId }` from the sweep index. */
export async function dueForSweep(now: string): Promise<{ centerId: string; appointmentId: string }[]> {
  const items = await queryAll({ IndexName: 'GSI5', KeyConditionExpression: 'GSI5PK = :pk AND GSI5SK < :now', ExpressionAttributeValues: { ':pk': WATCH_PK, ':now': now } });
  return items.map((i) => {
    const [, centerId, appointmentId] = String(i.GSI5SK).split('#') as [string, string, string];
    return { centerId, appointmentId };
  });
}

/** The ID number's misses since `since` (the 30-day window). */
export async function missesSince(centerId: string, idKey: string, since: string): Promise<number> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND SK >= :since', ExpressionAttributeValues: { ':pk': keys.missPk(centerId, idKey), ':since': since }, ConsistentRead: true });
  return items.length;
}

/** The center's settings replaced if still at the rev read (created when none), with their event and the recorded outcome. */
export async function putSettings(
  centerId: string, body: AppointmentSettingsBody, meta: { by: string; at: string; rev: number }, readRev: number | undefined,
  draft: EventDraft<AppointmentSettingsChangedData>, idempotency?: IdempotencyPut,
): Promise<void> {
  const item = { ...keys.settings(centerId), kind: 'appointmentSettings', centerId, ...body, updatedAt: meta.at, updatedBy: meta.by, rev: meta.rev };
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        readRev === undefined ? put(item, 'attribute_not_exists(PK)') : put(item, 'rev = :rev', { ':rev': readRev }),
        put(outboxItem(apptPk(centerId), draft).item),
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw preconditionFailed(msg('预约设置在您读取后已被修改；请重新读取后再试。', 'The appointment settings changed since you read them; read them again and retry.'));
  }
}

/** A request that changed nothing still records its Idempotency-Key's outcome. */
export async function recordUnchanged(idempotency: IdempotencyPut | undefined): Promise<void> {
  if (idempotency) await db.send(new PutCommand(idempotency.Put));
}
