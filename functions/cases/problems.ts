/**
 * The business rules of cases a request can break, each with its own problem
 * type (schemas/api/problems.ts explains the scheme). The lifecycle's guards
 * and the input rules name these; the OpenAPI document lists them.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const caseProblems = defineProblems({
  'registration-required': {
    status: 409, title: msg('尚未注册为申请人', 'Registration required'),
    about: 'The caller has an account but no applicant profile in this center: register (POST /public/applicants) before applying.',
  },
  'item-not-available': {
    status: 422, title: msg('事项不可申请', 'Item not available'),
    about: 'The item named is not published in this center (never, no longer, or not yet).',
  },
  'applicant-not-found': {
    status: 422, title: msg('申请人不存在', 'Applicant not found'),
    about: 'A clerk named an applicant id that is not registered in the center.',
  },
  'applicant-not-served': {
    status: 422, title: msg('事项不面向此类申请人', 'Applicant not served'),
    about: 'The item serves natural persons only, or organizations only, and the applicant is the other kind.',
  },
  'agent-not-authorized': {
    status: 403, title: msg('未获委托人授权', 'Agent not authorized'),
    about: 'An agent (代办人) filed for, or listed the cases of, an applicant (`principalId`) whose authorization does not let them: `errors[0].code` is `no_authorization` (none, or no such applicant), `revoked`, `expired` (its last day is past, center time), or `out_of_scope` (the item is not among those authorized). Nothing is written.',
  },
  'application-invalid': {
    status: 422, title: msg('申请内容不符合事项要求', 'Application does not fit the item'),
    about: 'The typed fields do not match the item\'s intake fields, or a material is not on its checklist or listed twice; `errors` names each.',
  },
  'materials-missing': {
    status: 409, title: msg('申请材料不齐全', 'Materials missing'),
    about: 'Required materials are missing or incorrect: give the one-time supplement notice (一次性告知), or accept with a pledge where the item allows.',
  },
  'notice-period-over': {
    status: 409, title: msg('告知期限已过', 'Notice period over'),
    about: 'The 5-working-day notice period ended: the application counts as accepted from receipt (行政许可法 art. 32); no supplement notice may be given now.',
  },
  'notice-incomplete': {
    status: 422, title: msg('一次性告知有遗漏', 'Notice leaves out a material'),
    about: 'The one-time notice (一次性告知) names every required material the checklist shows missing or incorrect; `errors` names each one left out.',
  },
  'not-in-one-time-notice': {
    status: 422, title: msg('不在一次性告知范围内', 'Not in the one-time notice'),
    about: 'After the one-time notice (一次性告知), a later notice names only defects of the materials the supplement handed in (and any required material still missing): nothing else may be added.',
  },
  'supplement-incomplete': {
    status: 422, title: msg('补正材料不齐全', 'Supplement incomplete'),
    about: 'Materials named in the supplement notice are still missing; `errors` lists them.',
  },
  'tolerance-not-offered': {
    status: 409, title: msg('事项不支持容缺受理', 'Acceptance with pledge not offered'),
    about: 'The item does not offer acceptance with pledged materials (容缺受理).',
  },
  'pledge-invalid': {
    status: 422, title: msg('容缺承诺清单有误', 'Pledge does not fit the case'),
    about: 'A pledge (容缺) lists only missing materials of the checklist, each once, and the applicant\'s consent is not in the future; `errors` names each fault.',
  },
  'material-not-tolerable': {
    status: 422, title: msg('材料不可容缺', 'Material not tolerable'),
    about: 'Only materials the item marks tolerable may be pledged under 容缺受理; the application form and the main materials never are. `errors` names each.',
  },
  'pledge-incomplete': {
    status: 422, title: msg('缺失材料未全部承诺', 'Missing materials not pledged'),
    about: 'Every missing required material is either handed in or pledged: more are missing than the pledge lists. `errors` names each.',
  },
  'pledge-past-promised-limit': {
    status: 409, title: msg('承诺期限超过承诺办结日期', 'Pledge deadline past the promised limit'),
    about: 'The pledge deadline would fall after the promised decision date (承诺时限), which the center does not allow.',
  },
  'credit-excluded': {
    status: 409, title: msg('信用状况不适用容缺受理', 'Excluded for bad credit'),
    about: 'The applicant is flagged for bad credit: 容缺受理 is not available to them.',
  },
  'pledge-outstanding': {
    status: 409, title: msg('容缺材料尚未补齐', 'Pledged materials outstanding'),
    about: 'Materials pledged under 容缺受理 are still outstanding: the case cannot be decided until they arrive.',
  },
  'payment-outstanding': {
    status: 409, title: msg('费用尚未结清', 'Fees not settled'),
    about: 'The item\'s fees are paid before acceptance (`before_acceptance`) or before the result is delivered (`before_delivery`, a grant only), and they are not settled (paid or waived) yet: the department assesses them (核价) and the case waits to pay (`to_pay`) until the fees domain settles the charge. Nothing is written.',
  },
  'no-pledge-outstanding': {
    status: 409, title: msg('没有待补的容缺材料', 'No pledge outstanding'),
    about: 'No pledged material is outstanding on this case.',
  },
  'calendar-year-missing': {
    status: 409, title: msg('缺少工作日历', 'Calendar year missing'),
    about: 'A date this action needs falls in a year whose working-day calendar the center has not entered yet; a center administrator enters it (PUT /admin/calendar/{year}).',
  },
  'joint-opinions-pending': {
    status: 409, title: msg('会签意见未齐', 'Joint opinions pending'),
    about: 'Co-departments of a joint case (联办件) have not all given their opinion.',
  },
  'no-open-joint-step': {
    status: 409, title: msg('本部门没有待会签环节', 'No open joint step'),
    about: 'The caller\'s department has no open co-department step on this case.',
  },
  'wrong-service-mode': {
    status: 409, title: msg('事项办理方式不允许此操作', 'Not for this service mode'),
    about: 'The action exists only for another service mode (即办件, 联办件, 上报件…).',
  },
  'extension-already-requested': {
    status: 409, title: msg('已申请过延期', 'Extension already requested'),
    about: 'The law allows one extension (行政许可法 art. 42); it was already requested.',
  },
  'no-extension-requested': {
    status: 409, title: msg('没有待审批的延期申请', 'No extension requested'),
    about: 'No extension request is waiting for approval.',
  },
  'four-eyes': {
    status: 403, title: msg('须由他人审批', 'Someone else must approve'),
    about: 'An extension is approved by someone other than the person who asked for it.',
  },
  'review-and-decision-separate': {
    status: 403, title: msg('审查与审批须由不同人员', 'Review and decision by different people'),
    about: 'The item separates review and decision (审查与审批分离): an approver who recorded a review opinion on the case does not decide it.',
  },
  'joint-dissent': {
    status: 409, title: msg('协办部门不同意', 'A co-department disagrees'),
    about: 'A co-department of a joint case (联办件) disagrees: the case is granted only after the center coordinates (协调, the coordinate action); the lead department may deny.',
  },
  'no-joint-dissent': {
    status: 409, title: msg('没有待协调的不同意见', 'No dissent to coordinate'),
    about: 'No co-department disagrees since the last coordination: there is nothing to coordinate.',
  },
  'hearing-right-not-noticed': {
    status: 409, title: msg('尚未告知听证权利', 'Right to a hearing not noticed'),
    about: 'A party asks for a hearing within 5 working days of being told of the right (行政许可法 art. 47); the case records no such notice.',
  },
  'hearing-right-already-noticed': {
    status: 409, title: msg('已告知听证权利', 'Right to a hearing already noticed'),
    about: 'The parties were already told of their right to a hearing on this case; the 5-working-day period runs from that notice.',
  },
  'hearing-not-scheduled': {
    status: 409, title: msg('听证尚未通知', 'Hearing not scheduled'),
    about: 'A hearing\'s outcome is recorded after the parties were told its time and place (scheduleHearing).',
  },
  'hearing-request-period-over': {
    status: 409, title: msg('听证申请期限已过', 'Hearing request period over'),
    about: 'A hearing is asked for within 5 working days of the notice of the right (行政许可法 art. 47); that period has ended.',
  },
  'hearing-request-period-open': {
    status: 409, title: msg('听证申请期限未届满', 'Hearing request period open'),
    about: 'The parties were told of their right to a hearing and may still ask for one: the case is decided once the 5 working days have passed without a request.',
  },
  'hearing-already-held': {
    status: 409, title: msg('已有听证', 'Hearing already requested'),
    about: 'A case has one hearing: it was already requested or required.',
  },
  'no-hearing-underway': {
    status: 409, title: msg('没有进行中的听证', 'No hearing underway'),
    about: 'The action belongs to a hearing in progress (听证): the case is not suspended for one.',
  },
  'hearing-underway': {
    status: 409, title: msg('听证进行中', 'Hearing underway'),
    about: 'The case is suspended for a hearing: it resumes when the hearing\'s outcome is recorded (recordHearingOutcome).',
  },
  'hearing-input-invalid': {
    status: 422, title: msg('听证信息有误', 'Hearing input does not fit'),
    about: 'The notice of the right to a hearing tells the applicant; an interested party asking for a hearing is named; a hearing is held after its notice, the parties told at least 7 days before (art. 48: `notice_too_short`), and no later than 20 working days after the request (art. 47: `after_organise_by`; when that day can no longer be met with a 7-day notice, on the soonest day that can, recorded `pastOrganiseBy`), and its outcome recorded once it was held; `errors` names each fault.',
  },
  'upper-decision-missing': {
    status: 409, title: msg('未记录上级机关决定', 'Upper authority\'s decision not recorded'),
    about: 'An escalated case (上报件) came back from the upper authority without its decision recorded (sent back for more review): the county decides only as the upper authority decided, so it escalates again and records the decision on the return.',
  },
  'upper-decision-contrary': {
    status: 409, title: msg('与上级机关决定不一致', 'Contrary to the upper authority\'s decision'),
    about: 'The upper authority decided an escalated case (上报件) the other way: the county approves only a case the upper authority granted and denies only one it denied.',
  },
  'upper-decision-invalid': {
    status: 422, title: msg('上级机关决定信息有误', 'Upper authority\'s decision does not fit'),
    about: 'The recorded decision of the upper authority is dated after today (`in_future`) or before the case was escalated (`before_escalation`), or carries a certificate number although it denied (`certificate_without_grant`); `errors` names each fault.',
  },
  'too-many-reviews': {
    status: 409, title: msg('审查意见过多', 'Too many review opinions'),
    about: 'A case holds a bounded number of review opinions.',
  },
  'special-procedure-not-allowed': {
    status: 422, title: msg('特别程序不适用', 'Special procedure not allowed'),
    about: 'The item lists no such special procedure (特别程序), the procedure counts toward the limit, or it runs longer than the item allows.',
  },
  'lookup-locked': {
    status: 429, title: msg('查询失败次数过多', 'Too many failed lookups'),
    about: 'Too many wrong query codes for this case number from this network in the last hour; wait for Retry-After seconds.',
  },
  'query-code-not-issued': {
    status: 409, title: msg('尚无查询码', 'No query code yet'),
    about: 'A query code is issued at acceptance (by a clerk, with a pledge, or deemed): a case not accepted has none to reissue.',
  },
});
