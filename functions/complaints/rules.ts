/**
 * What intake and each action of the complaint table change (pure: the
 * handler passes the clock, the calendar, the settings and what it read).
 * Who may act and when is the table's (lifecycle.ts); due dates are clock.ts's.
 */
import type { ComplaintState, ComplaintSubject, FileComplaintBody } from '#schemas/api/complaints';
import { staffChannels } from '#schemas/api/complaints';
import type { ComplaintEventData } from '#schemas/events/complaints';
import { msg } from '#schemas/api/problems';
import type { Caller } from '#shared/auth';
import type { WorkCalendar } from '#shared/calendar';
import { fault, problem, validationFailed, type FieldFault } from '#shared/errors';
import { dueAfter, type Due } from './clock.ts';
import { nextState, type ComplaintRecord, type Transition } from './lifecycle.ts';
import { complaintProblems as p } from './problems.ts';
import type { ComplaintSettings } from './settings.ts';

/** The identifier field each kind of subject names (the center needs none). */
const subjectField = { case: 'caseNo', window: 'windowId', staff: 'username', department: 'departmentId', center: undefined } as const;
const identifierFields = ['caseNo', 'windowId', 'username', 'departmentId'] as const;

/** The subject names exactly the identifier of its type. */
export function subjectFaults(s: ComplaintSubject): FieldFault[] {
  const wanted = subjectField[s.type];
  return identifierFields.flatMap((f) => {
    if (f === wanted && s[f] === undefined) return [fault(`/body/subject/${f}`, 'required', msg(`投诉对象为 ${s.type} 时必填`, `is required for a subject of type ${s.type}`))];
    if (f !== wanted && s[f] !== undefined) return [fault(`/body/subject/${f}`, 'unexpected', msg(`投诉对象为 ${s.type} 时不能填写`, `does not belong to a subject of type ${s.type}`))];
    return [];
  });
}

/**
 * Who files decides what the body carries: an applicant online complains
 * for themselves (channel website, a contact, their name from the profile);
 * staff record someone else's complaint (the channel it came by, the
 * complainant's name and contact). Every field at fault at once (400).
 */
/** How a complaint comes in: an applicant's own online, recorded by staff, or sent by the 12345 hotline's system. */
export type IntakeVia = 'online' | 'staff' | 'hotline';

export function assertIntake(body: FileComplaintBody, via: IntakeVia): void {
  const faults = subjectFaults(body.subject);
  if (via === 'hotline') {
    if (body.channel !== undefined && body.channel !== 'hotline_12345') faults.push(fault('/body/channel', 'enum', msg('12345 热线转来的投诉渠道为 hotline_12345', 'must be hotline_12345 for a complaint the hotline sends')));
    if (body.complainant === undefined) faults.push(fault('/body/complainant', 'required', msg('请登记投诉人姓名和联系方式', 'is required: the complainant\'s name and contact')));
    if (body.contact !== undefined) faults.push(fault('/body/contact', 'unexpected', msg('请填写在 complainant.contact 中', 'goes in complainant.contact')));
  } else if (via === 'online') {
    if (body.channel !== undefined && body.channel !== 'website') faults.push(fault('/body/channel', 'enum', msg('网上投诉的渠道为 website', 'must be website for an applicant\'s own complaint')));
    if (body.complainant !== undefined) faults.push(fault('/body/complainant', 'unexpected', msg('网上投诉人即本人，请只填写 contact', 'is yourself online: give contact only')));
    if (body.contact === undefined) faults.push(fault('/body/contact', 'required', msg('请留下联系方式', 'is required: where to reach you about the complaint')));
  } else {
    if (body.channel === undefined) faults.push(fault('/body/channel', 'required', msg('请注明投诉渠道', 'is required: the channel the complaint came by')));
    else if (!(staffChannels as readonly string[]).includes(body.channel)) faults.push(fault('/body/channel', 'enum', msg(`应为 ${staffChannels.join(', ')} 之一`, `must be one of ${staffChannels.join(', ')}`)));
    if (body.complainant === undefined) faults.push(fault('/body/complainant', 'required', msg('请登记投诉人姓名和联系方式', 'is required: the complainant\'s name and contact')));
    if (body.contact !== undefined) faults.push(fault('/body/contact', 'unexpected', msg('请填写在 complainant.contact 中', 'goes in complainant.contact')));
  }
  if (faults.length) throw validationFailed(faults);
}

export const unknownSubject = (s: ComplaintSubject) => {
  const field = subjectField[s.type]!;
  return problem(p['complaint-subject-unknown'], msg(`本中心没有这个投诉对象：${s[field]}。`, `The center has no such ${s.type}: ${s[field]}.`), [
    fault(`/body/subject/${field}`, 'unknown', msg('不存在', 'does not exist in the center')),
  ]);
};

export interface IntakeInput {
  readonly complaintId: string;
  readonly centerId: string;
  readonly timeZone: string;
  readonly caller: Caller;
  readonly body: FileComplaintBody;
  /** An applicant online: their name from the profile. */
  readonly online?: { readonly name: string };
  readonly respondentDepartmentId?: string;
  readonly cal: WorkCalendar;
  readonly now: string;
  readonly today: string;
  readonly settings: ComplaintSettings;
}

export function newComplaint(i: IntakeInput): ComplaintRecord {
  const accept = dueAfter(i.cal, i.today, i.settings.acceptWorkingDays);
  const complainant = i.online ? { name: i.online.name, contact: i.body.contact! } : i.body.complainant!;
  return {
    complaintId: i.complaintId,
    centerId: i.centerId,
    timeZone: i.timeZone,
    state: 'filed',
    version: 1,
    channel: i.online ? 'website' : i.body.channel!,
    category: i.body.category,
    subject: i.body.subject,
    content: i.body.content,
    ...(i.respondentDepartmentId ? { respondentDepartmentId: i.respondentDepartmentId } : {}),
    complainant,
    ...(i.online ? { complainantSub: i.caller.userId } : {}),
    filedAt: i.now,
    filedBy: i.caller.userId,
    acceptDue: accept.due,
    ...(accept.provisional ? { provisional: true as const } : {}),
    createdAt: i.now,
    updatedAt: i.now,
  };
}

/** What the handler read for an action besides the complaint: the named department and staff member, and the staff member's count this year. */
export interface ActionFacts {
  /** accept with `departmentId`: whether the department is the center's. */
  readonly departmentExists?: boolean;
  /** reply with `staffAtFault`: whether the person is the center's staff, and their substantiated complaints this year so far. */
  readonly staffAtFault?: { readonly exists: boolean; readonly counted: number };
}

export interface ActionInput {
  readonly cal: WorkCalendar;
  readonly now: string;
  readonly today: string;
  /** Undefined: the system. */
  readonly caller?: Caller;
  readonly settings: ComplaintSettings;
  readonly facts: ActionFacts;
}

/** A substantiated complaint counted against a staff member, and whether it brings them to the center's threshold. */
export interface StaffCount {
  readonly username: string;
  readonly year: number;
  /** The count as read (the write is conditioned on it). */
  readonly counted: number;
  readonly threshold: number;
  /** This complaint brings the year's count to the threshold: suggest the removal once. */
  readonly reachesThreshold: boolean;
}

export function staffCountOf(username: string, today: string, counted: number, threshold: number): StaffCount {
  return { username, year: Number(today.slice(0, 4)), counted, threshold, reachesThreshold: counted < threshold && counted + 1 >= threshold };
}

export interface Applied {
  readonly next: ComplaintRecord;
  readonly details: ComplaintEventData['details'];
  readonly staffCount?: StaffCount;
}

type Body = Record<string, unknown>;

/** The complaint after `t` with `body`: the step's record, its due dates, what its event says. */
export function applyAction(c: ComplaintRecord, t: Transition, body: Body, input: ActionInput): Applied {
  const { now, today, cal, settings } = input;
  const by = input.caller?.userId ?? 'system';
  const to: ComplaintState = nextState(t, c, body);
  const base = { ...c, state: to, version: c.version + 1, updatedAt: now, ...(to === 'closed' ? { closedAt: now } : {}) };
  const withDue = (field: 'replyDue' | 'rateDue' | 'reviewDue', d: Due) => ({ [field]: d.due, ...(d.provisional ? { provisional: true as const } : {}) });
  const note = typeof body.note === 'string' ? { note: body.note } : {};
  const opinion = typeof body.opinion === 'string' ? { opinion: body.opinion } : {};
  switch (t.action) {
    case 'accept': {
      const departmentId = (body.departmentId as string | undefined) ?? c.respondentDepartmentId;
      if (!departmentId) {
        throw problem(p['respondent-department-required'], msg('无法从投诉对象确定答复部门，请指定 departmentId。', 'No single department follows from the subject: name departmentId.'), [
          fault('/body/departmentId', 'required', msg('必填', 'is required')),
        ]);
      }
      if (body.departmentId !== undefined && input.facts.departmentExists === false) {
        throw problem(p['complaint-subject-unknown'], msg(`本中心没有部门 ${departmentId}。`, `The center has no department ${departmentId}.`), [
          fault('/body/departmentId', 'unknown', msg('不存在', 'does not exist in the center')),
        ]);
      }
      return { next: { ...base, departmentId, acceptance: { by, at: now, ...note }, ...withDue('replyDue', dueAfter(cal, today, settings.replyWorkingDays)) }, details: {} };
    }
    case 'notAccept':
      return {
        next: { ...base, notAccepted: { reason: body.reason as never, explanation: body.explanation as string, by, at: now }, closedAt: now },
        details: { reason: body.reason as never },
      };
    case 'requestExtension':
      return {
        next: { ...base, extension: { reason: body.reason as string, workingDays: body.workingDays as number, requestedBy: by, requestedAt: now } },
        details: { workingDays: body.workingDays as number },
      };
    case 'approveExtension':
    case 'refuseExtension': {
      const approved = t.action === 'approveExtension';
      const extension = { ...c.extension!, decision: { approved, by, at: now, ...opinion } };
      const moved = approved ? withDue('replyDue', dueAfter(cal, c.replyDue ?? today, c.extension!.workingDays)) : {};
      return { next: { ...base, extension, ...moved }, details: { approved, workingDays: c.extension!.workingDays } };
    }
    case 'reply': {
      const substantiated = body.substantiated as boolean;
      const staffAtFault = body.staffAtFault as string | undefined;
      if (staffAtFault !== undefined && (!substantiated || input.facts.staffAtFault?.exists !== true)) {
        throw problem(p['staff-at-fault-invalid'], msg('只有投诉属实时才能认定本中心的工作人员为责任人。', 'Only a substantiated complaint names a staff member of the center at fault.'), [
          substantiated
            ? fault('/body/staffAtFault', 'unknown', msg('不是本中心的工作人员', 'is not a staff member of the center'))
            : fault('/body/staffAtFault', 'unexpected', msg('投诉不属实时不能填写', 'only with substantiated: true')),
        ]);
      }
      const next = {
        ...base,
        reply: { text: body.reply as string, substantiated, ...(staffAtFault ? { staffAtFault } : {}), by, at: now },
        ...withDue('rateDue', dueAfter(cal, today, settings.rateWorkingDays)),
      };
      const staffCount = staffAtFault ? staffCountOf(staffAtFault, today, input.facts.staffAtFault!.counted, settings.staffRemovalThreshold) : undefined;
      return { next, details: { substantiated, ...(staffAtFault ? { staffAtFault } : {}) }, ...(staffCount ? { staffCount } : {}) };
    }
    case 'rate': {
      const rating = body.rating as 'satisfied' | 'unsatisfied';
      const review = to === 'unsatisfied' ? withDue('reviewDue', dueAfter(cal, today, settings.reviewWorkingDays)) : {};
      return { next: { ...base, rating: { rating, ...(typeof body.comment === 'string' ? { comment: body.comment } : {}), by, at: now }, ...review }, details: { rating } };
    }
    case 'requestReview':
      return { next: { ...base, review: { reason: body.reason as string, requestedAt: now } }, details: {} };
    case 'answerReview': {
      const substantiated = body.substantiated as boolean;
      return { next: { ...base, review: { ...c.review!, answer: body.answer as string, substantiated, by, at: now } }, details: { substantiated } };
    }
    case 'closeUnrated':
      return { next: { ...base, rating: { rating: 'satisfied', by, at: now, byDefault: true } }, details: { rating: 'satisfied', byDefault: true } };
    case 'closeUnreviewed':
      return { next: base, details: {} };
    default:
      throw new Error(`no rule for action ${t.action}`);
  }
}
