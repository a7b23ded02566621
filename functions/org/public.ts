/**
 * What other domains may use of the org domain: single entries (a window, a
 * department) and the directories the center-wide jobs walk. The center's
 * profile and calendar are the shared kernel's (shared/center.ts).
 */
import { getEntry, listEntries } from './store.ts';

export const windowOf = (centerId: string, windowId: string) => getEntry<{ departmentIds: string[]; name: string }>(centerId, 'window', windowId);
export const departmentOf = <T extends object>(centerId: string, departmentId: string) => getEntry<T>(centerId, 'department', departmentId);
export const departmentsOf = (centerId: string) => listEntries<{ departmentId: string; name: string }>(centerId, 'department');
export const staffOf = <T extends object>(centerId: string) => listEntries<T>(centerId, 'staff');
