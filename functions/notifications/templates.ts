/**
 * Messages to applicants per case event, in Chinese first and English. Pure:
 * a template turns an event's data into a subject (email) and a text (SMS and
 * email body). Events with no template here send nothing (internal steps such
 * as review opinions).
 */
import type { CaseEventData } from '#schemas/events/cases';

export type Language = 'zh-CN' | 'en';

export interface Message {
  readonly subject: string;
  readonly text: string;
}

/** undefined: this event, with this data, is not one the applicant is told of. */
type Template = (d: CaseEventData) => Message | undefined;

const SIGNATURE: Record<Language, string> = { 'zh-CN': '【政务服务中心】', en: '[Government Service Center] ' };

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

const zh: Record<string, Template> = {
  CaseSubmitted: (d) => ({ subject: `收件通知：${d.itemName}`, text: `您申请的“${d.itemName}”已收件，办件编号 ${d.caseNo}。窗口将在法定期限内作出是否受理的决定。` }),
  CaseAccepted: (d) => ({ subject: `受理通知：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）已受理，受理日期 ${String(d.details.acceptanceDate ?? '')}。${due(d, 'zh-CN')}` }),
  CaseAcceptedWithTolerance: (d) => ({
    subject: `容缺受理通知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）已容缺受理。请于 ${String(d.details.toleranceDue ?? '')} 前按承诺补齐材料，逾期未补齐的，办件终止。${due(d, 'zh-CN')}`,
  }),
  CaseDeemedAccepted: (d) => ({ subject: `受理通知：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）未在法定期限内收到补正告知，依法自收到申请之日起即为受理。${due(d, 'zh-CN')}` }),
  CaseRefused: (d) => ({
    subject: `不予受理通知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）不予受理。理由：${list(d.details.reasons, 'zh-CN')}。${d.details.competentAgency ? `请向${String(d.details.competentAgency)}申请。` : ''}`,
  }),
  SupplementRequested: (d) => ({
    subject: `一次性补正告知：${d.caseNo}`,
    text: `您申请的“${d.itemName}”（${d.caseNo}）需补正以下全部材料：\n${noticeLines(d, 'zh-CN')}\n补齐后即视为重新收件。`,
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
  CaseWithdrawn: (d) => ({ subject: `撤回确认：${d.caseNo}`, text: `您申请的“${d.itemName}”（${d.caseNo}）已撤回。` }),
  DeadlinesRecomputed: (d) => {
    const from = movedFrom(d);
    return from ? { subject: `办结日期调整：${d.caseNo}`, text: `按公布的节假日安排重新计算，您申请的“${d.itemName}”（${d.caseNo}）的承诺办结日期由 ${from} 调整为 ${d.deadlines.promisedDue ?? ''}。` } : undefined;
  },
};

const en: Record<string, Template> = {
  CaseSubmitted: (d) => ({ subject: `Application received: ${d.itemName}`, text: `Your application "${d.itemName}" was received as case ${d.caseNo}. The window will decide on acceptance within the legal period.` }),
  CaseAccepted: (d) => ({ subject: `Application accepted: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) was accepted on ${String(d.details.acceptanceDate ?? '')}.${due(d, 'en')}` }),
  CaseAcceptedWithTolerance: (d) => ({
    subject: `Accepted with pledged materials: ${d.caseNo}`,
    text: `Your application "${d.itemName}" (${d.caseNo}) was accepted against your pledge. Hand in the pledged materials by ${String(d.details.toleranceDue ?? '')}, or the case ends.${due(d, 'en')}`,
  }),
  CaseDeemedAccepted: (d) => ({ subject: `Application accepted: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) counts as accepted from the day it was received: no supplement notice was given in time.${due(d, 'en')}` }),
  CaseRefused: (d) => ({ subject: `Application not accepted: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) was not accepted. Reasons: ${list(d.details.reasons, 'en')}.${d.details.competentAgency ? ` Apply to ${String(d.details.competentAgency)}.` : ''}` }),
  SupplementRequested: (d) => ({ subject: `Materials to supplement: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) needs all of the following:\n${noticeLines(d, 'en')}\nIt is received again once they are handed in.` }),
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
  CaseWithdrawn: (d) => ({ subject: `Application withdrawn: ${d.caseNo}`, text: `Your application "${d.itemName}" (${d.caseNo}) was withdrawn.` }),
  DeadlinesRecomputed: (d) => {
    const from = movedFrom(d);
    return from ? { subject: `Decision date changed: ${d.caseNo}`, text: `Counted again on the published holiday schedule, the promised decision date of "${d.itemName}" (${d.caseNo}) moved from ${from} to ${d.deadlines.promisedDue ?? ''}.` } : undefined;
  },
};

const templates: Record<Language, Record<string, Template>> = { 'zh-CN': zh, en };

/** The detail-types applicants hear about. */
export const notifiedEventTypes = Object.keys(zh);

/** The message for an event, or undefined when the event is not one applicants are told of. */
export function render(detailType: string, data: CaseEventData, language: Language): Message | undefined {
  const m = templates[language][detailType]?.(data);
  if (!m) return undefined;
  return { subject: m.subject, text: `${SIGNATURE[language]}${m.text}` };
}
