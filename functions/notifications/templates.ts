/**
 * Messages to applicants per case event, in Chinese first and English. Pure:
 * a template turns an event's data into a subject (email) and a text (SMS and
 * email body). Events with no template here send nothing (internal steps such
 * as review opinions). The hearing's notices also go by post to the parties
 * without an account (renderLetter).
 */
import type { CaseEventData } from '#schemas/events/cases';
import type { CertificateRenewalDueData } from '#schemas/events/documents';

export type Language = 'zh-CN' | 'en';

export interface Message {
  readonly subject: string;
  readonly text: string;
  /** The SMS: one billable part (70 characters of Chinese), pointing to the email and the case page for the rest. */
  readonly sms: string;
}

/**
 * undefined: this event, with this data, is not one the applicant is told of.
 * `code`: the case's query code, which the acceptance notices carry to the
 * applicant alone (the consumer derives it; no event carries it).
 */
type Template = (d: CaseEventData, code?: string) => Omit<Message, 'sms'> | undefined;
type Short = (d: CaseEventData, code?: string) => string;

export const SIGNATURES: Record<Language, string> = { 'zh-CN': '【政务服务中心】', en: '[Government Service Center] ' };

const list = (xs: unknown, lang: Language) => (Array.isArray(xs) ? xs.map(String).join(lang === 'zh-CN' ? '；' : '; ') : '');

interface NoticeItem {
  materialId: string;
  name?: string;
  problem: 'missing' | 'incorrect';
  detail: string;
}

function noticeLines(d: CaseEventData, lang: Language): string {
  const items = (d.details.items ?? []) as NoticeItem[];
  return items
    .map((i, n) =>
      lang === 'zh-CN'
        ? `${n + 1}. ${i.name ?? i.materialId}（${i.problem === 'missing' ? '缺少' : '有误'}）：${i.detail}`
        : `${n + 1}. ${i.name ?? i.materialId} (${i.problem}): ${i.detail}`,
    )
    .join('\n');
}

/** The promised date before a recount (DeadlinesRecomputed), when it moved. */
const movedFrom = (d: CaseEventData): string | undefined => {
  const before = (d.details.previous as { promisedDue?: string } | undefined)?.promisedDue;
  return before && d.deadlines.promisedDue && before !== d.deadlines.promisedDue ? before : undefined;
};

// A date counted on a provisional calendar year says so: it may move when the year's schedule is published.
const due = (d: CaseEventData, lang: Language) => {
  const date = d.deadlines.promisedDue;
  if (!date) return '';
  if (lang === 'zh-CN') return d.deadlines.provisional ? `承诺办结日期（暂定，节假日安排公布后重新计算）：${date}。` : `承诺办结日期：${date}。`;
  return d.deadlines.provisional ? ` Promised decision date (provisional until the year's holiday schedule is published): ${date}.` : ` Promised decision date: ${date}.`;
};

const codeZh = (code: string | undefined) => (code ? `查询码 ${code}：凭办件编号和查询码可在本中心公开查询页面查询进度，请妥善保管，勿告知他人。` : '');
const codeEn = (code: string | undefined) => (code ? ` Query code ${code}: with the case number it shows the progress on the center's public lookup page; keep it to yourself.` : '');

/** The hearing's day and time in the center's time zone, as the scheduling recorded them. */
const hearingWhen = (d: CaseEventData) => `${String(d.details.hearingDate ?? '')} ${String(d.details.hearingTime ?? '')}`.trim();

/** An amount in fen (integer money) as yuan with two decimals. */
const yuan = (fen: unknown) => (typeof fen === 'number' ? (fen / 100).toFixed(2) : '');
const payBy = (d: CaseEventData) => String(d.details.payBy ?? '');

const zh: Record<string, Template> = {
  CaseSubmitted: (d) => ({ subject: `收件通知：${d.itemName}`, text: `您申请的“${d.itemName}”已收件，办件编号 ${d.caseNo}。窗口将在法定期限内作出是否受理的决定。` }),
  CaseAccepted: (d, code) => ({ subject: `受理通知：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）已受理，受理日期 ${String(d.details.acceptanceDate ?? '')}。${due(d, 'zh-CN')}${codeZh(code)}` }),
  CaseAcceptedWithTolerance: (d, code) => ({
    subject: `容缺受理通知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）已容缺受理。请于 ${String(d.details.toleranceDue ?? '')} 前按承诺补齐材料，逾期未补齐的，办件终止。${due(d, 'zh-CN')}${codeZh(code)}`,
  }),
  CaseDeemedAccepted: (d, code) => ({ subject: `受理通知：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）未在法定期限内收到补正告知，依法自收到申请之日起即为受理。${due(d, 'zh-CN')}${codeZh(code)}` }),
  CaseRefused: (d) => ({
    subject: `不予受理通知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）不予受理。理由：${list(d.details.reasons, 'zh-CN')}。${d.details.competentAgency ? `请向${String(d.details.competentAgency)}申请。` : ''}`,
  }),
  SupplementRequested: (d) => ({
    subject: `一次性补正告知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）需补正以下全部材料：\n${noticeLines(d, 'zh-CN')}\n补齐后即视为重新收件。`,
  }),
  HearingRightNoticed: (d) => ({
    subject: `听证权利告知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）依法享有要求听证的权利。如要求听证，请于 ${String(d.details.requestDue ?? '')} 前在办件页面或窗口提出（《行政许可法》第四十七条）；逾期未提出的，视为放弃听证。`,
  }),
  HearingScheduled: (d) => ({
    subject: `听证通知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）的听证定于 ${hearingWhen(d)} 在${String(d.details.place ?? '')}举行，请按时参加（《行政许可法》第四十八条）。听证期间不计入办理时限。`,
  }),
  CaseSuspended: (d) => ({
    subject: `特别程序告知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）进入特别程序（${String(d.details.procedure ?? '')}），预计 ${String(d.details.expectedWorkingDays ?? '')} 个工作日，所需时间不计入办理时限。理由：${String(d.details.reason ?? '')}`,
  }),
  ExtensionApproved: (d) => ({
    subject: `延期告知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）经批准延长 ${String(d.details.workingDays ?? '')} 个工作日。理由：${String(d.details.reason ?? '')}。${due(d, 'zh-CN')}`,
  }),
  CaseApproved: (d) => ({ subject: `准予许可：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）已准予许可，结果将于 ${d.deadlines.deliveryDue ?? ''} 前送达。` }),
  CaseDenied: (d) => ({
    subject: `不予许可：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）不予许可。理由：${list(d.details.reasons, 'zh-CN')}。如不服，可依法申请行政复议或者提起行政诉讼。`,
  }),
  CaseCompleted: (d) => ({ subject: `办结通知：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）已办结。欢迎对本次服务进行评价。` }),
  CaseDelivered: (d) => ({
    subject: `送达通知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）的办理结果已${d.details.method === 'mail' ? `邮寄，运单号 ${String(d.details.trackingNo ?? '')}` : '可在窗口领取'}。`,
  }),
  CaseTerminated: (d) => ({ subject: `办件终止：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）因未按承诺期限补齐容缺材料，办件已终止。` }),
  CaseSupplementTimedOut: (d) => ({
    subject: `补正逾期办件终止：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）未在 ${String(d.details.supplementDue ?? '')} 前按一次性告知补正材料，办件已终止。如需办理，请重新提出申请。`,
  }),
  CaseWithdrawn: (d) => ({ subject: `撤回确认：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）已撤回。` }),
  PaymentRequired: (d) => ({
    subject: `缴费通知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）需缴纳费用 ${yuan(d.details.dueFen)} 元，请于 ${payBy(d)} 前缴纳。收费项目、依据和缴款码见办件页面的缴款通知书；缴清后办件继续办理。`,
  }),
  PaymentExpired: (d) => ({ subject: `缴费逾期：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）未在缴费期限内缴费，原缴款通知书已失效。部门将重新核价并另行通知。` }),
  CasePaymentTimedOut: (d) => ({ subject: `逾期未缴费办件终止：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）未在 ${payBy(d)} 前缴纳费用，办件已终止。如需办理，请重新提出申请。` }),
  DeadlinesRecomputed: (d) => {
    const from = movedFrom(d);
    return from ? { subject: `办结日期调整：${d.caseNo}`, text: `按公布的节假日安排重新计算，您申请的“${d.itemName}”（${d.caseNo}）的承诺办结日期由 ${from} 调整为 ${d.deadlines.promisedDue ?? ''}。` } : undefined;
  },
};

const en: Record<string, Template> = {
  CaseSubmitted: (d) => ({ subject: `Application received: ${d.itemName}`, text: `Your application "${d.itemName}" was received as case ${d.caseNo}. The window will decide on acceptance within the legal period.` }),
  CaseAccepted: (d, code) => ({ subject: `Application accepted: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) was accepted on ${String(d.details.acceptanceDate ?? '')}.${due(d, 'en')}${codeEn(code)}` }),
  CaseAcceptedWithTolerance: (d, code) => ({
    subject: `Accepted with pledged materials: ${d.caseNo}`,
    text: `Your application "${d.itemName}" (${d.caseNo}) was accepted against your pledge. Hand in the pledged materials by ${String(d.details.toleranceDue ?? '')}, or the case ends.${due(d, 'en')}${codeEn(code)}`,
  }),
  CaseDeemedAccepted: (d, code) => ({ subject: `Application accepted: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) counts as accepted from the day it was received: no supplement notice was given in time.${due(d, 'en')}${codeEn(code)}` }),
  CaseRefused: (d) => ({ subject: `Application not accepted: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) was not accepted. Reasons: ${list(d.details.reasons, 'en')}.${d.details.competentAgency ? ` Apply to ${String(d.details.competentAgency)}.` : ''}` }),
  SupplementRequested: (d) => ({ subject: `Materials to supplement: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) needs all of the following:\n${noticeLines(d, 'en')}\nIt is received again once they are handed in.` }),
  HearingRightNoticed: (d) => ({
    subject: `Your right to a hearing: ${d.caseNo}`,
    text: `On your application "${d.itemName}" (${d.caseNo}) you have the right to a hearing. To have one, ask by ${String(d.details.requestDue ?? '')} on the case page or at the window (Administrative Licensing Law art. 47); if you do not, the case is decided without one.`,
  }),
  HearingScheduled: (d) => ({
    subject: `Hearing notice: ${d.caseNo}`,
    text: `The hearing on your application "${d.itemName}" (${d.caseNo}) is held on ${hearingWhen(d)} at ${String(d.details.place ?? '')}; please attend (art. 48). The hearing's time does not count toward the time limit.`,
  }),
  CaseSuspended: (d) => ({
    subject: `Special procedure: ${d.caseNo}`,
    text: `Your application "${d.itemName}" (${d.caseNo}) is in a special procedure (${String(d.details.procedure ?? '')}) expected to take ${String(d.details.expectedWorkingDays ?? '')} working days, not counted in the time limit. Reason: ${String(d.details.reason ?? '')}`,
  }),
  ExtensionApproved: (d) => ({ subject: `Time limit extended: ${d.caseNo}`, text: `The time limit of "${d.itemName}" (${d.caseNo}) was extended by ${String(d.details.workingDays ?? '')} working days. Reason: ${String(d.details.reason ?? '')}.${due(d, 'en')}` }),
  CaseApproved: (d) => ({ subject: `Application granted: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) was granted; the result reaches you by ${d.deadlines.deliveryDue ?? ''}.` }),
  CaseDenied: (d) => ({ subject: `Application denied: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) was denied. Reasons: ${list(d.details.reasons, 'en')}. You may apply for administrative review or sue.` }),
  CaseCompleted: (d) => ({ subject: `Case closed: ${d.caseNo}`, text: `Your case "${d.itemName}" (${d.caseNo}) is closed. Please rate our service.` }),
  CaseDelivered: (d) => ({
    subject: `Result delivered: ${d.caseNo}`,
    text: `The result of "${d.itemName}" (${d.caseNo}) ${d.details.method === 'mail' ? `was mailed, tracking number ${String(d.details.trackingNo ?? '')}` : 'is ready at the window'}.`,
  }),
  CaseTerminated: (d) => ({ subject: `Case ended: ${d.caseNo}`, text: `Your case "${d.itemName}" (${d.caseNo}) ended: the pledged materials were not handed in by the deadline.` }),
  CaseSupplementTimedOut: (d) => ({
    subject: `Case ended, no supplement: ${d.caseNo}`,
    text: `Your case "${d.itemName}" (${d.caseNo}) ended: the materials of the one-time notice were not handed in by ${String(d.details.supplementDue ?? '')}. To go on, apply again.`,
  }),
  CaseWithdrawn: (d) => ({ subject: `Application withdrawn: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) was withdrawn.` }),
  PaymentRequired: (d) => ({
    subject: `Fees to pay: ${d.caseNo}`,
    text: `Your application "${d.itemName}" (${d.caseNo}) has fees of CNY ${yuan(d.details.dueFen)} to pay by ${payBy(d)}. The fee items, their legal basis and the payment code are on the payment notice on the case page; the case goes on once they are paid.`,
  }),
  PaymentExpired: (d) => ({ subject: `Payment period over: ${d.caseNo}`, text: `The fees of "${d.itemName}" (${d.caseNo}) were not paid in time and the payment notice lapsed. The department will assess them again and tell you.` }),
  CasePaymentTimedOut: (d) => ({ subject: `Case ended, fees unpaid: ${d.caseNo}`, text: `Your case "${d.itemName}" (${d.caseNo}) ended: its fees were not paid by ${payBy(d)}. To go on, apply again.` }),
  DeadlinesRecomputed: (d) => {
    const from = movedFrom(d);
    return from ? { subject: `Decision date changed: ${d.caseNo}`, text: `Counted again on the published holiday schedule, the promised decision date of "${d.itemName}" (${d.caseNo}) moved from ${from} to ${d.deadlines.promisedDue ?? ''}.` } : undefined;
  },
};

// The SMS leave out free text (item names, reasons, material lists, tracking numbers): they would run past one part.
// An acceptance's SMS carries the query code (in Chinese in place of the promised date, which the e-mail and the case
// page have); a 容缺 acceptance's keeps the pledge's deadline, which the applicant must act on, and leaves the code
// to the e-mail, the receipt and the case page: both would not fit in one part.
const provisionally = (d: CaseEventData, lang: Language) => (d.deadlines.provisional ? (lang === 'zh-CN' ? '（暂定）' : ' (provisional)') : '');

const zhSms: Record<string, Short> = {
  CaseSubmitted: (d) => `办件${d.caseNo}已收件。`,
  CaseAccepted: (d, code) => (code ? `办件${d.caseNo}已受理，查询码${code}。` : `办件${d.caseNo}已受理，承诺${d.deadlines.promisedDue ?? ''}${provisionally(d, 'zh-CN')}前办结。`),
  CaseAcceptedWithTolerance: (d) => `办件${d.caseNo}已容缺受理，请于${String(d.details.toleranceDue ?? '')}前补齐材料。`,
  CaseDeemedAccepted: (d, code) => (code ? `办件${d.caseNo}依法视为受理，查询码${code}。` : `办件${d.caseNo}依法视为受理，承诺${d.deadlines.promisedDue ?? ''}${provisionally(d, 'zh-CN')}前办结。`),
  CaseRefused: (d) => `办件${d.caseNo}不予受理，理由见通知书。`,
  SupplementRequested: (d) => `办件${d.caseNo}需补正材料，请查看一次性告知书。`,
  HearingRightNoticed: (d) => `办件${d.caseNo}：您可于${String(d.details.requestDue ?? '')}前申请听证，详见办件页面。`,
  HearingScheduled: (d) => `办件${d.caseNo}听证：${hearingWhen(d)}，地点见办件页面。`,
  CaseSuspended: (d) => `办件${d.caseNo}进入特别程序，详见办件页面。`,
  ExtensionApproved: (d) => `办件${d.caseNo}经批准延期，承诺${d.deadlines.promisedDue ?? ''}${provisionally(d, 'zh-CN')}前办结。`,
  CaseApproved: (d) => `办件${d.caseNo}已准予许可，结果${d.deadlines.deliveryDue ?? ''}前送达。`,
  CaseDenied: (d) => `办件${d.caseNo}不予许可，理由及救济途径见决定书。`,
  CaseCompleted: (d) => `办件${d.caseNo}已办结，欢迎评价。`,
  CaseDelivered: (d) => `办件${d.caseNo}的结果${d.details.method === 'mail' ? '已邮寄，运单号见办件页面' : '可在窗口领取'}。`,
  CaseTerminated: (d) => `办件${d.caseNo}因容缺材料逾期未补齐已终止。`,
  CaseSupplementTimedOut: (d) => `办件${d.caseNo}因逾期未补正材料已终止，如需办理请重新申请。`,
  CaseWithdrawn: (d) => `办件${d.caseNo}已撤回。`,
  PaymentRequired: (d) => `办件${d.caseNo}需缴费${yuan(d.details.dueFen)}元，请于${payBy(d)}前缴纳。`,
  PaymentExpired: (d) => `办件${d.caseNo}缴费逾期，缴款通知书已失效，将重新核价。`,
  CasePaymentTimedOut: (d) => `办件${d.caseNo}因逾期未缴费已终止，如需办理请重新申请。`,
  DeadlinesRecomputed: (d) => `办件${d.caseNo}承诺办结日期调整为${d.deadlines.promisedDue ?? ''}${provisionally(d, 'zh-CN')}。`,
};

const enSms: Record<string, Short> = {
  CaseSubmitted: (d) => `Case ${d.caseNo} received.`,
  CaseAccepted: (d, code) => `Case ${d.caseNo} accepted; decision promised by ${d.deadlines.promisedDue ?? ''}${provisionally(d, 'en')}.${code ? ` Query code ${code}.` : ''}`,
  CaseAcceptedWithTolerance: (d) => `Case ${d.caseNo} accepted against your pledge: hand in the pledged materials by ${String(d.details.toleranceDue ?? '')}.`,
  CaseDeemedAccepted: (d, code) => `Case ${d.caseNo} counts as accepted; decision promised by ${d.deadlines.promisedDue ?? ''}${provisionally(d, 'en')}.${code ? ` Query code ${code}.` : ''}`,
  CaseRefused: (d) => `Case ${d.caseNo} was not accepted; the reasons are in the notice.`,
  SupplementRequested: (d) => `Case ${d.caseNo} needs materials: see the one-time notice.`,
  HearingRightNoticed: (d) => `Case ${d.caseNo}: you may ask for a hearing by ${String(d.details.requestDue ?? '')}; see the case page.`,
  HearingScheduled: (d) => `Case ${d.caseNo}: hearing on ${hearingWhen(d)}; the place is on the case page.`,
  CaseSuspended: (d) => `Case ${d.caseNo} is in a special procedure: see the case page.`,
  ExtensionApproved: (d) => `Case ${d.caseNo} extended; decision promised by ${d.deadlines.promisedDue ?? ''}${provisionally(d, 'en')}.`,
  CaseApproved: (d) => `Case ${d.caseNo} granted; the result reaches you by ${d.deadlines.deliveryDue ?? ''}.`,
  CaseDenied: (d) => `Case ${d.caseNo} denied; the reasons and remedies are in the decision.`,
  CaseCompleted: (d) => `Case ${d.caseNo} is closed. Please rate our service.`,
  CaseDelivered: (d) => `The result of case ${d.caseNo} ${d.details.method === 'mail' ? 'was mailed: tracking number on the case page' : 'is ready at the window'}.`,
  CaseTerminated: (d) => `Case ${d.caseNo} ended: the pledged materials were not handed in by the deadline.`,
  CaseSupplementTimedOut: (d) => `Case ${d.caseNo} ended: no supplement by the notice's last day. Apply again to go on.`,
  CaseWithdrawn: (d) => `Case ${d.caseNo} withdrawn.`,
  PaymentRequired: (d) => `Case ${d.caseNo}: pay CNY ${yuan(d.details.dueFen)} by ${payBy(d)}; see the payment notice.`,
  PaymentExpired: (d) => `Case ${d.caseNo}: the payment notice lapsed unpaid; new fees will follow.`,
  CasePaymentTimedOut: (d) => `Case ${d.caseNo} ended: fees unpaid by the last day. Apply again to go on.`,
  DeadlinesRecomputed: (d) => `Case ${d.caseNo}: promised decision date moved to ${d.deadlines.promisedDue ?? ''}${provisionally(d, 'en')}.`,
};

const templates: Record<Language, Record<string, Template>> = { 'zh-CN': zh, en };
const shortTexts: Record<Language, Record<string, Short>> = { 'zh-CN': zhSms, en: enSms };

/** The detail-types applicants hear about. */
export const notifiedEventTypes = Object.keys(zh);

/**
 * What every applicant is told unless they ask for every step: what they must act on (a right to a
 * hearing to ask for by its day, a hearing to attend, fees to pay among them), the receipt
 * with its promised date and any move of it, the decision and an ended case. Their own acts
 * (applying, withdrawing) and the steps after the decision are on the case page.
 */
export const milestoneEventTypes: readonly string[] = [
  'CaseAccepted', 'CaseAcceptedWithTolerance', 'CaseDeemedAccepted', 'CaseRefused', 'SupplementRequested', 'CaseSuspended',
  'HearingRightNoticed', 'HearingScheduled', 'ExtensionApproved', 'CaseApproved', 'CaseDenied', 'CaseTerminated', 'CaseSupplementTimedOut', 'DeadlinesRecomputed',
  'PaymentRequired', 'PaymentExpired', 'CasePaymentTimedOut',
];

/** Whether an applicant with these preferences is told of this event type. */
export const isToldOf = (detailType: string, prefs: { events?: 'milestones' | 'all' }) => (prefs.events ?? 'milestones') === 'all' || milestoneEventTypes.includes(detailType);

/** The acceptance notices: the ones that carry the query code to the applicant. */
export const queryCodeEventTypes: readonly string[] = ['CaseAccepted', 'CaseAcceptedWithTolerance', 'CaseDeemedAccepted'];

/**
 * The message for an event, or undefined when the event is not one applicants
 * are told of. `queryCode`: the applicant's code, for an acceptance notice
 * (the subject, which the delivery log keeps, never holds it).
 */
export function render(detailType: string, data: CaseEventData, language: Language, queryCode?: string): Message | undefined {
  const m = templates[language][detailType]?.(data, queryCode);
  if (!m) return undefined;
  return { subject: m.subject, text: `${SIGNATURES[language]}${m.text}`, sms: `${SIGNATURES[language]}${shortTexts[language][detailType]!(data, queryCode)}` };
}

/**
 * A letter by post (邮寄送达) to the parties a case names who have no account here: the interested
 * parties told of a hearing. `parties` are their places in the case's notice of the right; the
 * letter names nobody, so that the delivery log holds no personal data: the mail room addresses it
 * from the case.
 */
export interface Letter {
  readonly subject: string;
  readonly text: string;
  readonly parties: readonly number[];
}

const letters: Record<string, (d: CaseEventData) => Omit<Letter, 'parties'>> = {
  HearingRightNoticed: (d) => ({
    subject: `听证权利告知书：${d.caseNo}`,
    text: `你（单位）系“${d.itemName}”（${d.caseNo}）行政许可申请的利害关系人，依法享有要求听证的权利。如要求听证，请于 ${String(d.details.requestDue ?? '')} 前向本中心提出（《行政许可法》第四十七条）；逾期未提出的，视为放弃听证。`,
  }),
  HearingScheduled: (d) => ({
    subject: `听证通知书：${d.caseNo}`,
    text: `“${d.itemName}”（${d.caseNo}）行政许可的听证定于 ${hearingWhen(d)} 在${String(d.details.place ?? '')}举行，你（单位）作为利害关系人可以参加（《行政许可法》第四十八条）。`,
  }),
};

/** The letter an event sends by post, in Chinese (a party without an account has chosen no language); undefined when it sends none. */
export function renderLetter(detailType: string, data: CaseEventData): Letter | undefined {
  const parties = Array.isArray(data.details.byPost) ? data.details.byPost.filter((n): n is number => Number.isInteger(n)) : [];
  const letter = letters[detailType]?.(data);
  return letter && parties.length ? { subject: letter.subject, text: `${letter.text}\n\n政务服务中心`, parties } : undefined;
}

// GSM 03.38: a text of its basic alphabet and extension table alone goes in 7-bit parts (160 septets, an extension
// character taking two); any other character makes the whole text UCS-2 (70 characters).
const GSM7 = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const GSM7_EXTENSION = new Set('^{}\\[~]|€\f');

/** The billable parts of an SMS: one up to 160 GSM septets or 70 UCS-2 characters; longer texts go in parts of 153 or 67 (the rest is the join header). */
export function smsParts(text: string): number {
  const chars = [...text];
  const gsm = chars.every((c) => GSM7.has(c) || GSM7_EXTENSION.has(c));
  const length = gsm ? chars.reduce((n, c) => n + (GSM7_EXTENSION.has(c) ? 2 : 1), 0) : chars.length;
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return length <= single ? 1 : Math.ceil(length / part);
}

/** What an appointment's confirmation needs (functions/queue/appointments/public.ts reads it from the booking). */
export interface AppointmentMessageData {
  readonly date: string;
  readonly start: string;
  readonly end: string;
  readonly itemCode: string;
  readonly bookingCode: string;
}

type AppointmentTemplate = (n: AppointmentMessageData) => Message;

// The SMS carries the check-in code: a caller booked by a clerk has no other channel.
const appointmentTemplates: Record<Language, Record<string, AppointmentTemplate>> = {
  'zh-CN': {
    AppointmentBooked: (n) => ({
      subject: `预约成功：${n.date} ${n.start}`,
      text: `您已预约 ${n.date} ${n.start}–${n.end} 办理事项 ${n.itemCode}，签到码 ${n.bookingCode}。请于时段开始前 30 分钟至时段结束前在大厅自助机签到取号；未签到的计为爽约。`,
      sms: `预约成功：${n.date} ${n.start}，签到码${n.bookingCode}。`,
    }),
    AppointmentRescheduled: (n) => ({
      subject: `预约改期：${n.date} ${n.start}`,
      text: `您办理事项 ${n.itemCode} 的预约已改至 ${n.date} ${n.start}–${n.end}，签到码 ${n.bookingCode}。`,
      sms: `预约已改至${n.date} ${n.start}，签到码${n.bookingCode}。`,
    }),
    AppointmentCancelled: (n) => ({
      subject: `预约已取消：${n.date} ${n.start}`,
      text: `您 ${n.date} ${n.start}–${n.end} 办理事项 ${n.itemCode} 的预约已取消。`,
      sms: `您${n.date} ${n.start}的预约已取消。`,
    }),
  },
  en: {
    AppointmentBooked: (n) => ({
      subject: `Appointment booked: ${n.date} ${n.start}`,
      text: `You are booked for ${n.date} ${n.start}-${n.end} (item ${n.itemCode}); check-in code ${n.bookingCode}. Check in at a hall kiosk from 30 minutes before the slot until it ends; a booking not checked in counts as missed.`,
      sms: `Booked ${n.date} ${n.start}; check-in code ${n.bookingCode}.`,
    }),
    AppointmentRescheduled: (n) => ({
      subject: `Appointment moved: ${n.date} ${n.start}`,
      text: `Your appointment for item ${n.itemCode} moved to ${n.date} ${n.start}-${n.end}; check-in code ${n.bookingCode}.`,
      sms: `Appointment moved to ${n.date} ${n.start}; check-in code ${n.bookingCode}.`,
    }),
    AppointmentCancelled: (n) => ({
      subject: `Appointment cancelled: ${n.date} ${n.start}`,
      text: `Your appointment of ${n.date} ${n.start}-${n.end} for item ${n.itemCode} is cancelled.`,
      sms: `Your appointment of ${n.date} ${n.start} is cancelled.`,
    }),
  },
};

/** The confirmation of an appointment event (AppointmentBooked, …Rescheduled, …Cancelled), or undefined for the others. */
export function renderAppointment(detailType: string, n: AppointmentMessageData, language: Language): Message | undefined {
  const m = appointmentTemplates[language][detailType]?.(n);
  return m && { subject: m.subject, text: `${SIGNATURES[language]}${m.text}`, sms: `${SIGNATURES[language]}${m.sms}` };
}

// The SMS names the certificate and the last day to apply: what the holder needs to find it and act in time.
const applyByZh = (n: CertificateRenewalDueData) => (n.applyBy ? `请于 ${n.applyBy} 前` : '应当在有效期届满三十日前');
const renewalTemplates: Record<Language, (n: CertificateRenewalDueData) => Message> = {
  'zh-CN': (n) => ({
    subject: `证照延续提醒：${n.certificateNo}`,
    text: `您持有的“${n.itemName}”证照（编号 ${n.certificateNo}）有效期至 ${n.validUntil}。需要延续的，${applyByZh(n)}向发证机关提出申请（《行政许可法》第五十条）；有效期届满未延续的，证照依法注销。`,
    sms: `证照${n.certificateNo}有效期至${n.validUntil}，延续请${n.applyBy ? `于${n.applyBy}前` : '尽早'}申请。`,
  }),
  en: (n) => ({
    subject: `Certificate renewal: ${n.certificateNo}`,
    text: `Your certificate ${n.certificateNo} ("${n.itemName}") is valid until ${n.validUntil}. To renew it, apply to the issuing authority ${n.applyBy ? `by ${n.applyBy}` : 'at least 30 days before it expires'} (Administrative Licensing Law art. 50); a licence not renewed is cancelled when it expires.`,
    sms: `Certificate ${n.certificateNo} is valid until ${n.validUntil}; ${n.applyBy ? `apply by ${n.applyBy}` : 'apply early'} to renew it.`,
  }),
};

/** The reminder to renew a certificate (CertificateRenewalDue), with the signature. */
export function renderRenewal(n: CertificateRenewalDueData, language: Language): Message {
  const m = renewalTemplates[language](n);
  return { subject: m.subject, text: `${SIGNATURES[language]}${m.text}`, sms: `${SIGNATURES[language]}${m.sms}` };
}
