/**
 * What the other domains contribute to the monthly appraisal (考核): counts per
 * department, window and staff member for one month of one center. Each
 * contributing domain exports one `AppraisalSource` from its `public.ts`; the
 * appraisal domain reads them all when a month closes and scores the subjects
 * by the center's indicator table. A subject a source knows nothing about is
 * simply absent from its rows, never reported with zeros, so "no data" stays
 * distinguishable from "none of it went well".
 */

export type AppraisalSubjectKind = 'department' | 'window' | 'staff';

export interface AppraisalSubject {
  readonly kind: AppraisalSubjectKind;
  /**
   * A department id, a window id, or a staff member: by username, or by
   * account id (sub) for the sources whose events carry only that, which
   * functions/appraisal/sources.ts names by username (`byAccount`).
   */
  readonly id: string;
}

export interface AppraisalCounts {
  /** Evaluations (好差评) that count: explicit ratings plus those deemed 满意 when not rated in time. */
  readonly rated?: number;
  /** Of `rated`, the good ones (非常满意, 满意, 基本满意), deemed ones included (好评). */
  readonly good?: number;
  /** Of `good`, the ones the rater gave explicitly (主动好评). */
  readonly proactiveGood?: number;
  /** Bad reviews (差评) whose rectification fell due this month. */
  readonly badDue?: number;
  /** Of `badDue`, the ones fixed (整改) on time. */
  readonly badFixedOnTime?: number;
  /** Supervision cards (电子监察) by level, revoked ones excluded. */
  readonly warningCards?: number;
  readonly yellowCards?: number;
  readonly redCards?: number;
  /** Cases completed this month, and of them those within the promised limit (按时办结). */
  readonly casesCompleted?: number;
  readonly casesOnTime?: number;
  /** Complaints (投诉) found substantiated this month. */
  readonly substantiatedComplaints?: number;
  /** Hall visits served at the window (叫号服务). */
  readonly visitsServed?: number;
}

export interface AppraisalCountRow {
  readonly subject: AppraisalSubject;
  readonly counts: AppraisalCounts;
}

/** One domain's counts for a center's month (`yyyy-mm`, in the center's time zone). */
export type AppraisalSource = (centerId: string, month: string) => Promise<readonly AppraisalCountRow[]>;
