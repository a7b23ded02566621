/**
 * The hearing (听证, arts. 46–47) and the center's coordination of a
 * co-department's dissent (协调): what their actions do to a case — the fields
 * they set and the input rules a JSON Schema cannot say. The lifecycle table
 * says when they may be taken. Pure.
 */
import type { Static } from '@sinclair/typebox';
import type { CoordinateBody, HearingOutcomeBody, HearingRequestBody, HearingRequireBody, HearingRightNoticeBody, HearingScheduleBody } from '#schemas/api/cases';
import { msg } from '#schemas/api/problems';
import { localDate } from '#shared/calendar';
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
      return {
        set: { hearing: { rightNotice: { parties: b.parties, toldAt: ctx.now, requestDue } } },
        details: { requestDue, told: { applicant: told('applicant'), interestedParties: told('interested_party') } },
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
      const errors: FieldFault[] = [];
      if (Date.parse(b.at) <= Date.parse(ctx.now)) errors.push({ path: '/body/at', code: 'not_future', message: msg('听证时间须在通知之后', 'a hearing is held after its notice') });
      if (localDate(ctx.cal, b.at) > organiseBy) errors.push({ path: '/body/at', code: 'after_organise_by', message: msg(`听证须在 ${organiseBy} 前举行（第四十七条）`, `the hearing is held by ${organiseBy} (art. 47)`) });
      if (errors.length) invalid(errors);
      return { set: { hearing: { ...c.hearing, schedule: { at: b.at, place: b.place, noticedAt: ctx.now } } }, details: { hearingDate: localDate(ctx.cal, b.at) } };
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
