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
  'not-in-one-time-notice': {
    status: 422, title: msg('不在一次性告知范围内', 'Not in the one-time notice'),
    about: 'A later notice may only repeat materials of the first one-time notice (一次性告知): nothing may be added.',
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
    about: 'A pledge (容缺) must list every missing required material, and only missing ones; `errors` names each.',
  },
  'pledge-outstanding': {
    status: 409, title: msg('容缺材料尚未补齐', 'Pledged materials outstanding'),
    about: 'Materials pledged under 容缺受理 are still outstanding: the case cannot be decided until they arrive.',
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
});
