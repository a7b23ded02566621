/**
 * What other domains may use of the org domain: single entries (a window, a
 * department) and the directories the center-wide jobs walk. The center's
 * profile and calendar are the shared kernel's (shared/center.ts).
 */
import { addCalendarDays, localDate, workCalendar } from '#shared/calendar';
import type { AbsenceRecord } from './absences.ts';
import { absencesBetween, coverKey, coveredWindows, entryKey, getEntry, listCenterIds, listEntries, staffAndWindows } from './store.ts';

/** Every center's id: the center-wide jobs visit each (the appraisal's month close). */
export const centerIds = listCenterIds;

export const windowOf = (centerId: string, windowId: string) => getEntry<{ departmentIds: string[]; name: string }>(centerId, 'window', windowId);
export const departmentOf = <T extends object>(centerId: string, departmentId: string) => getEntry<T>(centerId, 'department', departmentId);
export const departmentsOf = (centerId: string) => listEntries<{ departmentId: string; name: string }>(centerId, 'department');
export const staffOf = <T extends object>(centerId: string) => listEntries<T>(centerId, 'staff');
/** The center's staff and windows in one read (the appraisal's month close). */
export const staffAndWindowsOf = staffAndWindows;
/**
 * Every department a staff record authorizes its person for, the primary
 * first: `departmentIds` (a person of several, 综合窗口), else `departmentId`
 * alone (everyone else, and every record made before a person could have several).
 */
export const staffDepartments = (s: { readonly departmentId?: string; readonly departmentIds?: readonly string[] }): readonly string[] =>
  s.departmentIds ?? (s.departmentId ? [s.departmentId] : []);
/** Keys of a window, a department and a staff member, for another domain's own batch read (items as stored: `windowIds`, `sub`, `status`, `name`, `departmentIds`). */
export const orgEntryKeys = {
  window: (centerId: string, windowId: string) => entryKey(centerId, 'window', windowId),
  department: (centerId: string, departmentId: string) => entryKey(centerId, 'department', departmentId),
  staff: (centerId: string, username: string) => entryKey(centerId, 'staff', username),
  /** What the staff member works on `date` (center date) for absent colleagues (AB角): read it with `windowsCovered`. */
  cover: (centerId: string, date: string, username: string) => coverKey(centerId, date, username),
};

/** The windows a backup works for absent colleagues that day, from their cover item as read (`orgEntryKeys.cover`). */
export const windowsCovered = coveredWindows;

/** The absences of today where the center is (AB角), with who covers each: one Query, whatever the center's time zone. */
export async function absentToday(centerId: string, now: string): Promise<readonly AbsenceRecord[]> {
  const utcDay = now.slice(0, 10);
  return (await absencesBetween(centerId, addCalendarDays(utcDay, -1), addCalendarDays(utcDay, 1))).filter((a) => a.date === localDate(workCalendar([], a.timeZone), now));
}
