/**
 * The hearing (听证, arts. 46–48) and the center's coordination of a
 * co-department's dissent (协调): what their actions do to a case — the fields
 * they set and the input rules a JSON Schema cannot say. The lifecycle table
 * says when they may be taken. Pure.
 */
import type { Static } from '@sinclair/typebox';
import type { CoordinateBody, HearingOutcomeBody, HearingRequestBody, HearingRequireBody, HearingRightNoticeBody, HearingScheduleBody } from '#schemas/api/cases';
import { msg } from '#schemas/api/problems';
import { addCalendarDays, localDate } from '#shared/calendar';
import { HttpProblem, type FieldFault } from '#shared/errors';
import { legalDefaults, workingDaysAfter } from './clock.ts';
import type { CaseRecord } from './lifecycle.ts';
import { unsettledDissents } from './procedure-guards.ts';
import { caseProblems as p } from './problems.ts';
import type { ActionContext, Effect } from './rules.ts';

type HearingRequest = NonNullable<NonNullable<CaseRecord['hearing']>['request']>;

const invalid = (errors: FieldFault[]): never => {
  throw new HttpProblem(p['hearing-input-invalid'], msg('听证信息与办件不符，见 errors。', 'The hearing input does not fit the case; see errors.'), errors);
};

/** The day `workingDays` after today; 409 when the calendar does not reach it yet. */
function dayAfter(ctx: ActionContext, workingDays: number): string {
  const due = workingDaysAfter(ctx.cal, ctx.now, workingDays);
  if (due.date) return due.date;
  throw new HttpProblem(p['calendar-year-missing'], msg(`听证期限落在 ${due.missingYear} 年，该年工作日历尚未录入。`, `A hearing limit falls in ${due.missingYear}, whose calendar is not entered yet.`));
}

/** A hearing starts (requested or required): organised within 20 working days, and the clock stops until its outcome. */
function hearingStarts(c: CaseRecord, ctx: ActionContext, request: Pick<HearingRequest, 'by' | 'party' | 'reason'>): Effect {
  const organiseBy = dayAfter(ctx, legalDefaults.hearingOrganiseWorkingDays);
  const suspension = { kind: 'hearing', reason: request.reason ?? '听证', expectedWorkingDays: legalDefaults.hearingOrganiseWorkingDays };
  const recorded: HearingRequest = {
    by: request.by,
    ...(request.party ? { party: request.party } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
    at: ctx.now,
    organiseBy,
  };
  return {
    set: { hearing: { ...c.hearing, request: recorded }, suspension: { ...suspension, from: ctx.now } },
    details: { by: request.by, organiseBy },
    withheld: ['party'],
    clockDetail: { suspension },
  };
}

/** The day `days` calendar days after `date` (YYYY-MM-DD). */

/** The wall-clock time (HH:mm) of an instant in the center's time zone: the notices say when in the parties' time. */
const localTime = (ctx: ActionContext, at: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: ctx.cal.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(at));

/**
 * The parties told by post (邮寄送达), by their place in the notice of the right: the interested
 * parties, who have no account here (the applicant is told by email and SMS). The events carry these
 * places, never the names: the mail room addresses the letters from the case.
 */
const toldByPost = (c: Pick<CaseRecord, 'hearing'>): number[] =>
  (c.hearing?.rightNotice?.parties ?? []).flatMap((party, i) => (party.role === 'interested_party' ? [i] : []));

/**
 * What is wrong with holding the hearing at `at`, scheduled now: held after its notice, the parties
 * told at least 7 days before (art. 48, 七日前通知) and held by its organisation day (art. 47). When
 * that day comes sooner than 7 days from today, the agency has already missed it: the parties' notice
 * still holds, so the hearing is set for the soonest day that gives it, and recorded as late
 * (`pastOrganiseBy`) for supervision, rather than leaving the case suspended with no lawful date.
 */
function hearingTimeFaults(ctx: ActionContext, at: string, organiseBy: string): FieldFault[] {
  const days = legalDefaults.hearingNoticeDays;
  const earliest = earliestHearingDay(ctx);
  if (Date.parse(at) <= Date.parse(ctx.now)) return [{ path: '/body/at', code: 'not_future', message: msg('听证时间须在通知之后', 'a hearing is held after its notice') }];
  const day = localDate(ctx.cal, at);
  if (day < earliest) return [{ path: '/body/at', code: 'notice_too_short', message: msg(`听证须提前 ${days} 日通知当事人，最早 ${earliest} 举行（第四十八条）`, `the parties are told ${days} days before the hearing: it is held on ${earliest} at the soonest (art. 48)`) }];
  const latest = earliest > organiseBy ? earliest : organiseBy;
  if (day > latest) {
    return [{
      path: '/body/at', code: 'after_organise_by',
      message: earliest > organiseBy
        ? msg(`组织期限 ${organiseBy} 已无法满足（须提前 ${days} 日通知）：听证须在 ${earliest} 举行`, `the organisation day ${organiseBy} can no longer be met with ${days} days' notice: the hearing is held on ${earliest}`)
        : msg(`听证须在 ${organiseBy} 前举行（第四十七条）`, `the hearing is held by ${organiseBy} (art. 47)`),
    }];
  }
  return [];
}

/** The soonest day a hearing scheduled now may be held: the parties told 7 calendar days before (art. 48). */
const earliestHearingDay = (ctx: ActionContext) => addCalendarDays(localDate(ctx.cal, ctx.now), legalDefaults.hearingNoticeDays);

type Body = Record<string, unknown>;

export function procedureEffect(c: CaseRecord, action: string, body: Body, ctx: ActionContext): Effect {
  switch (action) {
    case 'noticeHearingRight': {
      const b = body as Static<typeof HearingRightNoticeBody>;
      if (!b.parties.some((party) => party.role === 'applicant')) {
        invalid([{ path: '/body/parties', code: 'applicant_not_told', message: msg('听证权利须告知申请人（第四十七条）', 'the applicant is told of the right to a hearing (art. 47)') }]);
      }
      const requestDue = dayAfter(ctx, legalDefaults.hearingRequestWorkingDays);
      const told = (role: string) => b.parties.filter((party) => party.role === role).length;
      const set = { hearing: { rightNotice: { parties: b.parties, toldAt: ctx.now, requestDue } } };
      return {
        set,
        details: { requestDue, told: { applicant: told('applicant'), interestedParties: told('interested_party') }, byPost: toldByPost(set) },
        withheld: ['parties'],
      };
    }
    case 'requestHearing': {
      const b = body as Static<typeof HearingRequestBody>;
      // The applicant asking on the own case is the applicant, whatever the body says.
      const ownRequest = ctx.caller?.userId === c.applicantSub;
      const by = ownRequest ? 'applicant' : b.partyRole;
      if (by === 'interested_party' && !b.party) {
        invalid([{ path: '/body/party', code: 'required', message: msg('利害关系人申请听证须写明申请人', 'an interested party asking for a hearing is named') }]);
      }
      return hearingStarts(c, ctx, { by, party: by === 'applicant' ? c.applicant.name : b.party, ...(b.reason ? { reason: b.reason } : {}) });
    }
    case 'requireHearing': {
      const b = body as Static<typeof HearingRequireBody>;
      return hearingStarts(c, ctx, { by: 'agency', reason: b.reason });
    }
    case 'scheduleHearing': {
      const b = body as Static<typeof HearingScheduleBody>;
      const organiseBy = c.hearing!.request!.organiseBy;
      const errors = hearingTimeFaults(ctx, b.at, organiseBy);
      if (errors.length) invalid(errors);
      const late = localDate(ctx.cal, b.at) > organiseBy ? { pastOrganiseBy: true as const } : {};
      return {
        set: { hearing: { ...c.hearing, schedule: { at: b.at, place: b.place, noticedAt: ctx.now, ...late } } },
        details: { hearingDate: localDate(ctx.cal, b.at), hearingTime: localTime(ctx, b.at), byPost: toldByPost(c), ...late },
      };
    }
    case 'recordHearingOutcome': {
      const b = body as Static<typeof HearingOutcomeBody>;
      const heldAt = c.hearing!.schedule!.at;
      if (Date.parse(ctx.now) < Date.parse(heldAt)) invalid([{ path: '/body/outcome', code: 'not_held_yet', message: msg(`听证定于 ${heldAt} 举行，尚未举行`, `the hearing is set for ${heldAt} and has not been held yet`) }]);
      return { set: { hearing: { ...c.hearing, outcome: { summary: b.outcome, at: ctx.now } }, suspension: undefined } };
    }
    case 'coordinate': {
      const b = body as Static<typeof CoordinateBody>;
      return { set: { coordination: { outcome: b.outcome, note: b.note, by: ctx.caller!.userId, at: ctx.now } }, details: { settles: unsettledDissents(c) } };
    }
    default:
      throw new Error(`no procedure effect defined for action ${action}`);
  }
}

export const procedureActions: readonly string[] = ['noticeHearingRight', 'requestHearing', 'requireHearing', 'scheduleHearing', 'recordHearingOutcome', 'coordinate'];
