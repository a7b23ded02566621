/**
 * The appointment operations the QueueFunction serves (functions/queue/handler.ts
 * spreads them): the settings, the public slots, booking by an applicant or a
 * clerk, cancel and reschedule, the lists and the kiosk's check-in. The rules
 * are in rules.ts and slots.ts, the shared steps in booking.ts, the keys in store.ts.
 */
import type { AppointmentSettingsChangedData } from '#schemas/events/appointments';
import { msg } from '#schemas/api/problems';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, rolesFor, type Action } from '#shared/authorization';
import type { EventDraft } from '#shared/events';
import { fault, forbidden, notFound, preconditionFailed, preconditionRequired, problem, validationFailed, wrongState } from '#shared/errors';
import { etag, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { isResidentIdNumber, normalizeResidentIdNumber } from '#shared/identifiers';
import { isConcurrentChange } from '#shared/db';
import { categoryOfItem, getCategory } from '../store.ts';
import { issueTicket } from '../tickets.ts';
import { cancelBooking, eventOf, notBookable, placeBooking, rescheduleBooking, viewOf } from './booking.ts';
import { appointmentProblems } from './problems.ts';
import type { appointmentRoutes } from './routes.ts';
import { capacityOf, checkInRefusal, codesMatch, effectiveSettings, settingsBodyOf, settingsErrors } from './rules.ts';
import { bookableDates, offeredSlots } from './slots.ts';
import * as store from './store.ts';

type Ops = Operations<typeof appointmentRoutes>;

function authorize(caller: Caller, action: Action) {
  const why = denial(caller, action, { centerId: caller.centerId });
  if (why) throw forbidden(why);
}
const staffActor = (caller: Caller, action: Action) => ({ id: caller.userId, role: actingRole(caller, rolesFor(action)) });
const applicantActor = (caller: Caller) => ({ id: caller.userId, role: 'applicant' as const });
const tagged = (rev: number, body: unknown, status = 200): HttpResult => ({ status, body, headers: { etag: etag(String(rev)) } });
const now = () => new Date().toISOString();

const noBooking = (id: string) => notFound(msg(`没有预约 ${id}。`, `No booking ${id}.`));

const getAppointmentSettings: Ops['getAppointmentSettings'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.settings.read');
  const { settingsItem, found } = await store.bookingContext(caller.centerId, now(), { alsoRead: req.checks!.keys });
  req.checks!.settle(found);
  const settings = effectiveSettings(settingsItem);
  return settingsItem ? tagged(settingsItem.rev as number, settings) : { status: 200, body: settings };
};

const putAppointmentSettings: Ops['putAppointmentSettings'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.settings.write');
  const at = now();
  const { settingsItem, found } = await store.bookingContext(caller.centerId, at, { alsoRead: req.checks!.keys });
  req.checks!.settle(found);
  const rev = settingsItem?.rev as number | undefined;
  const sent = ifMatch(req);
  if (rev !== undefined && sent === undefined) throw preconditionRequired();
  if (sent !== undefined && sent !== String(rev)) throw preconditionFailed(msg('预约设置在您读取后已被修改；请重新读取后再试。', 'The appointment settings changed since you read them; read them again and retry.'));
  const errors = settingsErrors(req.body);
  if (errors.length) throw validationFailed(errors);
  const event: EventDraft<AppointmentSettingsChangedData> = {
    source: 'onestop.queue', detailType: 'AppointmentSettingsChanged', centerId: caller.centerId, occurredAt: at,
    actor: staffActor(caller, 'appointment.settings.write'), subject: { type: 'appointment_settings', id: caller.centerId },
    data: { ...(settingsItem ? { before: settingsBodyOf(effectiveSettings(settingsItem)) } : {}), after: req.body },
  };
  const nextRev = (rev ?? 0) + 1;
  const result = tagged(nextRev, { ...req.body, source: 'center', updatedAt: at, updatedBy: caller.userId }, rev === undefined ? 201 : 200);
  await store.putSettings(caller.centerId, req.body, { by: caller.userId, at, rev: nextRev }, rev, event, req.idempotency?.record(result));
  return result;
};

const listAppointmentSlots: Ops['listAppointmentSlots'] = async (req) => {
  const { centerId } = req.params;
  const { categoryCode, itemCode, from, to } = req.query;
  if (!categoryCode && !itemCode) throw validationFailed([fault('/query/categoryCode', 'required', msg('须给出 categoryCode 或 itemCode', 'categoryCode or itemCode is required'))]);
  const [{ center, settingsItem }, category] = await Promise.all([
    store.bookingContext(centerId, now(), {}),
    itemCode ? categoryOfItem(centerId, itemCode) : getCategory(centerId, categoryCode!),
  ]);
  if (!center.profile) throw notFound(msg(`没有服务中心 ${centerId}。`, `No center ${centerId}.`));
  if (!category || (categoryCode && category.code !== categoryCode)) throw itemCode ? notBookable(itemCode) : notFound(msg(`本中心没有排队类别 ${categoryCode}。`, `No queue category ${categoryCode} in this center.`));
  const settings = effectiveSettings(settingsItem);
  const capacity = capacityOf(settings, category.code);
  const dates = capacity === 0 ? [] : bookableDates(center.calendar, center.today, settings.daysAhead, from, to);
  const booked = await store.bookedPlaces(centerId, category.code, dates);
  const days = dates.map((date) => ({
    date,
    slots: offeredSlots(center.calendar, settings, date, center.now).map((s) => ({ ...s, capacity, left: Math.max(0, capacity - (booked.get(`${date}#${s.start}`) ?? 0)) })),
  })).filter((d) => d.slots.length > 0);
  return { status: 200, body: { centerId, categoryCode: category.code, days } };
};

const bookAppointment: Ops['bookAppointment'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.self');
  const at = now();
  const [ctx, category] = await Promise.all([
    store.bookingContext(caller.centerId, at, { sub: caller.userId, alsoRead: req.checks!.keys }),
    categoryOfItem(caller.centerId, req.body.itemCode),
  ]);
  req.checks!.settle(ctx.found);
  const profile = ctx.profile;
  const identity = (profile?.idNumber ?? profile?.creditCode) as string | undefined;
  if (!profile || !identity) throw notFound(msg('您尚未在本中心注册为申请人。', 'You are not registered as an applicant in this center.'));
  if (!category) throw notBookable(req.body.itemCode);
  const idKey = store.idKeyOf(caller.centerId, identity);
  const booking = await placeBooking({
    center: ctx.center, settings: effectiveSettings(ctx.settingsItem), categoryCode: category.code, ...req.body,
    idKey, blockedUntil: await store.blockOf(caller.centerId, idKey),
    who: { bookedBy: 'applicant', name: String(profile.name), applicantId: String(profile.applicantId), sub: caller.userId },
    actor: applicantActor(caller),
  }, (b) => req.idempotency?.record(tagged(b.rev, viewOf(b, 'owner'), 201)));
  return tagged(booking.rev, viewOf(booking, 'owner'), 201);
};

const bookForCaller: Ops['bookForCaller'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.manage');
  const idNumber = normalizeResidentIdNumber(req.body.idNumber);
  if (!isResidentIdNumber(idNumber)) throw validationFailed([fault('/body/idNumber', 'check_digit', msg('不是有效的公民身份号码', 'is not a valid resident ID number'))]);
  const idKey = store.idKeyOf(caller.centerId, idNumber);
  const at = now();
  const [ctx, category] = await Promise.all([
    store.bookingContext(caller.centerId, at, { idKey, alsoRead: req.checks!.keys }),
    categoryOfItem(caller.centerId, req.body.itemCode),
  ]);
  req.checks!.settle(ctx.found);
  if (!category) throw notBookable(req.body.itemCode);
  const { itemCode, date, start, name, mobile } = req.body;
  const booking = await placeBooking({
    center: ctx.center, settings: effectiveSettings(ctx.settingsItem), categoryCode: category.code, itemCode, date, start,
    idKey, blockedUntil: ctx.blockedUntil, who: { bookedBy: 'clerk', name, mobile }, actor: staffActor(caller, 'appointment.manage'),
  }, (b) => req.idempotency?.record(tagged(b.rev, viewOf(b, 'owner'), 201)));
  return tagged(booking.rev, viewOf(booking, 'owner'), 201);
};

/** The booking, read with the center's context and settings; an applicant's own only. */
async function changeContext(req: Pick<HttpRequest, 'checks'>, caller: Caller, appointmentId: string, own: boolean) {
  const ctx = await store.bookingContext(caller.centerId, now(), { appointmentId, alsoRead: req.checks!.keys });
  req.checks!.settle(ctx.found);
  if (!ctx.booking || (own && ctx.booking.sub !== caller.userId)) throw noBooking(appointmentId);
  return { ...ctx, booking: ctx.booking, settings: effectiveSettings(ctx.settingsItem) };
}

const cancelMyAppointment: Ops['cancelMyAppointment'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.self');
  const { booking, center } = await changeContext(req, caller, req.params.appointmentId, true);
  const next = await cancelBooking(booking, center.now, applicantActor(caller), (b) => req.idempotency?.record(tagged(b.rev, viewOf(b, 'owner'))));
  return tagged(next.rev, viewOf(next, 'owner'));
};

const cancelAppointment: Ops['cancelAppointment'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.manage');
  const { booking, center } = await changeContext(req, caller, req.params.appointmentId, false);
  const next = await cancelBooking(booking, center.now, staffActor(caller, 'appointment.manage'), (b) => req.idempotency?.record(tagged(b.rev, viewOf(b, 'staff'))));
  return tagged(next.rev, viewOf(next, 'staff'));
};

async function reschedule(req: Parameters<Ops['rescheduleAppointment']>[0], caller: Caller, own: boolean) {
  const ctx = await changeContext(req, caller, req.params.appointmentId, own);
  const as = own ? 'owner' : 'staff';
  const actor = own ? applicantActor(caller) : staffActor(caller, 'appointment.manage');
  const next = await rescheduleBooking(ctx.booking, req.body, ctx, actor, (b) => req.idempotency?.record(tagged(b.rev, viewOf(b, as))));
  if (next !== 'unchanged') return tagged(next.rev, viewOf(next, as));
  const result = tagged(ctx.booking.rev, viewOf(ctx.booking, as));
  await store.recordUnchanged(req.idempotency?.record(result));
  return result;
}

const rescheduleMyAppointment: Ops['rescheduleMyAppointment'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.self');
  return reschedule(req, caller, true);
};

const rescheduleAppointment: Ops['rescheduleAppointment'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.manage');
  return reschedule(req, caller, false);
};

const listMyAppointments: Ops['listMyAppointments'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.self');
  return { status: 200, body: { items: (await store.bookingsOfApplicant(caller.centerId, caller.userId)).map((b) => viewOf(b, 'owner')) } };
};

const listDayAppointments: Ops['listDayAppointments'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'appointment.list');
  return { status: 200, body: { items: (await store.bookingsOfDay(caller.centerId, req.query.date, req.query.categoryCode)).map((b) => viewOf(b, 'staff')) } };
};

const checkInAppointment: Ops['checkInAppointment'] = async (req) => {
  const { centerId, appointmentId } = req.params;
  const booking = await store.bookingById(centerId, appointmentId);
  // A wrong code answers as an unknown booking does: the kiosk learns nothing it was not shown.
  if (!booking || !codesMatch(req.body.code, booking.bookingCode)) throw noBooking(appointmentId);
  if (booking.status !== 'booked') throw wrongState(msg(`预约 ${appointmentId} 当前为 ${booking.status}，不能签到。`, `The booking ${appointmentId} is ${booking.status}: no check-in.`));
  const at = now();
  const refusal = checkInRefusal(booking, at);
  if (refusal) {
    throw problem(appointmentProblems['check-in-closed'], refusal === 'early'
      ? msg(`签到于时段开始前 30 分钟开放（${booking.date} ${booking.start}）。`, `Check-in opens 30 minutes before the slot (${booking.date} ${booking.start}).`)
      : msg(`时段 ${booking.date} ${booking.start}–${booking.end} 已结束。`, `The slot ${booking.date} ${booking.start}–${booking.end} has ended.`));
  }
  const next: store.Booking = { ...booking, status: 'checkedIn', checkedInAt: at, updatedAt: at, rev: booking.rev + 1 };
  const actor = { id: 'kiosk', role: 'system' as const };
  try {
    const ticket = await issueTicket(
      { centerId, categoryCode: booking.categoryCode, date: booking.date, priority: 'appointment', source: 'appointment', appointmentId, ...(booking.applicantId ? { applicantId: booking.applicantId } : {}), actor },
      { alsoWrite: store.checkInWrites(booking, next, eventOf(next, 'AppointmentCheckedIn', actor, at)) },
    );
    return { status: 201, body: { appointment: viewOf(next, 'staff'), ticket } };
  } catch (err) {
    if (isConcurrentChange(err)) throw store.bookingChanged();
    throw err;
  }
};

export const appointmentOperations: Ops = {
  getAppointmentSettings,
  putAppointmentSettings,
  listAppointmentSlots,
  bookAppointment,
  listMyAppointments,
  cancelMyAppointment,
  rescheduleMyAppointment,
  bookForCaller,
  listDayAppointments,
  cancelAppointment,
  rescheduleAppointment,
  checkInAppointment,
};
