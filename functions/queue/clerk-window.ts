/**
 * The window a clerk works at, as the hall knows it (叫号): the one window of
 * their staff entry; assigned several, the one where they have a ticket
 * called or in service today; else unknown. The cases domain records it on a
 * case the clerk takes in, so that the case's evaluation counts for the window.
 */
import { orgEntryKeys } from '../org/public.ts';
import * as store from './store.ts';

/** The clerk's staff entry, for the caller's own batch read (it holds `sub` and `windowIds`). */
export const clerkEntryKey = (centerId: string, username: string) => orgEntryKeys.staff(centerId, username);

type StaffEntry = { sub?: string; windowIds?: string[] } | undefined;

const assignedTo = (userId: string, entry: StaffEntry) => (entry?.sub === userId ? (entry.windowIds ?? []) : []);

/** The clerk's window when their staff entry as read (`entry`) assigns them exactly one: no request. */
export const onlyWindow = (userId: string, entry: StaffEntry): string | undefined => {
  const assigned = assignedTo(userId, entry);
  return assigned.length === 1 ? assigned[0] : undefined;
};

/**
 * The clerk's window from their staff entry as read (`entry`), looking at
 * today's tickets at the windows (one Query) only when several are theirs.
 * `date`: the center's today, the hall's day.
 */
export async function clerkWindow(centerId: string, userId: string, entry: StaffEntry, date: string): Promise<string | undefined> {
  const assigned = assignedTo(userId, entry);
  if (assigned.length <= 1) return assigned[0];
  return (await store.atWindows(centerId, date)).find((t) => t.staffId === userId && t.windowId !== undefined && assigned.includes(t.windowId))?.windowId;
}
