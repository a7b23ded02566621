/**
 * What other domains may use of the complaints domain: where a staff member
 * stands against the center's removal threshold in a year (the org domain's
 * removal decision reads it in its own batch) and the removals suggested, the complaints found
 * substantiated in a month (the appraisal's source), and a complaint as stored
 * (the complainant's notices: the contact is read here, never from an event).
 */
import type { AppraisalSource, AppraisalSubjectKind } from '#shared/appraisal-counts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, itemAt, tableName, type Item, type ItemKey } from '#shared/db';
import { monthFindings } from './figures-store.ts';
import { settingsOf } from './settings.ts';
import type { ComplaintRecord } from './lifecycle.ts';
import { complaintKey, removalSuggestionsOf, settingsKey, staffCountKey, toRecord } from './store.ts';

export type { ComplaintRecord };

/** Keys of a person's substantiated complaints in a year and of the center's threshold, for the caller's own batch read. */
export const removalStandingKeys = (centerId: string, username: string, year: number): readonly ItemKey[] => [staffCountKey(centerId, username, year), settingsKey(centerId)];

export interface RemovalStanding {
  /** Complaints found substantiated against the person in the year (投诉属实). */
  readonly substantiated: number;
  /** The center's threshold today: at or over it, the person's removal from the window was suggested. */
  readonly threshold: number;
}

/** The standing from the batch that read `removalStandingKeys`. */
export function removalStanding(found: Map<string, Item>, centerId: string, username: string, year: number): RemovalStanding {
  const count = itemAt(found, staffCountKey(centerId, username, year));
  return { substantiated: typeof count?.substantiated === 'number' ? count.substantiated : 0, threshold: settingsOf(itemAt(found, settingsKey(centerId))).staffRemovalThreshold };
}

/** A removal the complaints suggested (投诉属实 reached the threshold), as recorded when it was. */
export interface RemovalSuggestion {
  readonly username: string;
  readonly year: number;
  readonly substantiated: number;
  readonly threshold: number;
  readonly suggestedAt: string;
}

/** The removals suggested in the year, by username: one Query. */
export async function removalSuggestions(centerId: string, year: number): Promise<RemovalSuggestion[]> {
  return (await removalSuggestionsOf(centerId, year)).map((i) => ({
    username: i.username as string, year: i.year as number, substantiated: i.substantiated as number, threshold: i.threshold as number, suggestedAt: i.suggestedAt as string,
  }));
}

const subjectKinds: Readonly<Record<string, AppraisalSubjectKind>> = { DEPT: 'department', WINDOW: 'window', STAFF: 'staff' };

/** Complaints found substantiated in the month (投诉属实), per department, window and staff member (by username): one Query. */
export const complaintsAppraisalSource: AppraisalSource = async (centerId, month) =>
  (await monthFindings(centerId, month)).flatMap(({ row, substantiated }) => {
    const [kind, ...id] = row.split('#');
    const subject = subjectKinds[kind!];
    return subject && substantiated > 0 ? [{ subject: { kind: subject, id: id.join('#') }, counts: { substantiatedComplaints: substantiated } }] : [];
  });

/** The complaint as stored (consistent), for the notices to its complainant. */
export async function complaintOf(centerId: string, complaintId: string): Promise<ComplaintRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: complaintKey(centerId, complaintId), ConsistentRead: true }));
  return out.Item ? toRecord(out.Item) : undefined;
}
