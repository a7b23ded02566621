/**
 * AB backups (AB角): on a day a staff member (A) is away, the backups their
 * staff entry names (B) work A's windows, and what they do there counts for
 * them (the ticket and the visit name B). The absence records A's windows and
 * backups as they are when marked, so withdrawing it takes back exactly what
 * marking it gave.
 *
 * Pure: no I/O, no clock.
 */
import type { Staff, StaffAbsence, StaffAbsenceBody } from '#schemas/api/org';
import { msg } from '#schemas/api/problems';
import type { StaffAbsenceData } from '#schemas/events/org';
import { actingRole, type Caller } from '#shared/auth';
import { denial, rolesFor } from '#shared/authorization';
import { calendarDaysBetween, localDate, workCalendar } from '#shared/calendar';
import { fault, forbidden, notFound, problem, validationFailed, type FieldFault } from '#shared/errors';
import type { EventDraft } from '#shared/events';
import { orgProblems } from './problems.ts';
import { staffDepartments } from './public.ts';

/**
 * The most people one person's backups may name (AB角): marking the person
 * absent gives each their cover in one transaction, which holds 100 items.
 */
export const MAX_BACKUP_PEOPLE = 20;

/** How far ahead an absence may be marked: a year's leave plan, not an open-ended one. */
export const MAX_DAYS_AHEAD = 366;

/** An absence as stored: with the center's time zone, so that "today" needs no other read. */
export type AbsenceRecord = StaffAbsence & { readonly timeZone: string };

/** The absence as events and colleagues see it: without its reason. */
export const withoutReason = ({ reason: _r, timeZone: _t, ...rest }: AbsenceRecord): StaffAbsenceData => rest;
export const absenceView = ({ timeZone: _t, ...rest }: AbsenceRecord): StaffAbsence => rest;

/** The backups who cover A, one entry per person with the items the staff entry names them for. */
function coversOf(backups: Staff['backups']): StaffAbsence['coveredBy'] {
  const byBackup = new Map<string, string[]>();
  for (const b of backups) byBackup.set(b.backupUsername, [...(byBackup.get(b.backupUsername) ?? []), b.itemCode]);
  return [...byBackup].map(([username, itemCodes]) => ({ username, itemCodes }));
}

/** The fault of backups that name more people than one absence can cover (at `path`), if they do. */
export function tooManyBackupPeople(backups: Staff['backups'], path: string): FieldFault | undefined {
  const people = coversOf(backups).length;
  if (people <= MAX_BACKUP_PEOPLE) return undefined;
  return fault(path, 'too_many_people', msg(`B 角最多 ${MAX_BACKUP_PEOPLE} 人（现为 ${people} 人）`, `may name at most ${MAX_BACKUP_PEOPLE} people (names ${people})`));
}

function authorizeFor(caller: Caller, staff: Staff) {
  const why = denial(caller, 'org.staff.absence.write', { centerId: caller.centerId, departmentIds: staffDepartments(staff) });
  if (why) throw forbidden(why);
}

function absenceEvent(caller: Caller, detailType: 'StaffAbsenceMarked' | 'StaffAbsenceCancelled', a: AbsenceRecord, now: string): EventDraft<StaffAbsenceData> {
  return {
    source: 'onestop.org',
    detailType,
    centerId: caller.centerId,
    occurredAt: now,
    actor: { id: caller.userId, role: actingRole(caller, rolesFor('org.staff.absence.write')) },
    subject: { type: 'staff', id: a.username },
    data: withoutReason(a),
  };
}

export type MarkOutcome = { readonly absence: AbsenceRecord; readonly event: EventDraft<StaffAbsenceData> } | { readonly unchanged: AbsenceRecord };

/** Marks A absent on `date` (today or later, within a year); marked already, the mark as it stands. */
export function markAbsence(
  caller: Caller,
  input: { username: string; date: string; body: StaffAbsenceBody; now: string; timeZone: string },
  found: { staff: Staff | undefined; existing: AbsenceRecord | undefined },
): MarkOutcome {
  const { username, date, body, now, timeZone } = input;
  if (!found.staff) throw notFound(msg(`本中心没有人员 ${username}。`, `No staff member ${username} in this center.`));
  authorizeFor(caller, found.staff);
  if (found.existing) return { unchanged: found.existing };
  const today = localDate(workCalendar([], timeZone), now);
  const ahead = calendarDaysBetween(today, date);
  if (ahead < 0) throw validationFailed([fault('/params/date', 'past', msg(`不能早于今天（${today}）`, `must not be before today (${today})`))]);
  if (ahead > MAX_DAYS_AHEAD) throw validationFailed([fault('/params/date', 'too_far', msg(`最多为今天后 ${MAX_DAYS_AHEAD} 天`, `at most ${MAX_DAYS_AHEAD} days after today`))]);
  // A record written before the limit may name more backups than one transaction can cover.
  const tooMany = tooManyBackupPeople(found.staff.backups, '/staff/backups');
  if (tooMany) throw problem(orgProblems['staff-record-invalid'], msg(`${username} 的 B 角过多；请先修改其人员信息。`, `${username}'s backups name too many people; edit the staff record first.`), [tooMany]);
  const absence: AbsenceRecord = {
    username, date, ...body, windowIds: found.staff.windowIds, coveredBy: coversOf(found.staff.backups), markedBy: caller.userId, markedAt: now, timeZone,
  };
  return { absence, event: absenceEvent(caller, 'StaffAbsenceMarked', absence, now) };
}

/** Withdraws the mark (A came in after all): what it gave the backups is taken back. */
export function cancelAbsence(caller: Caller, input: { username: string; date: string; now: string }, found: { staff: Staff | undefined; existing: AbsenceRecord | undefined }) {
  const { username, date, now } = input;
  if (!found.staff) throw notFound(msg(`本中心没有人员 ${username}。`, `No staff member ${username} in this center.`));
  authorizeFor(caller, found.staff);
  if (!found.existing) throw notFound(msg(`${username} 在 ${date} 没有缺岗记录。`, `${username} is not marked absent on ${date}.`));
  return { absence: found.existing, event: absenceEvent(caller, 'StaffAbsenceCancelled', found.existing, now) };
}
