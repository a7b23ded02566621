/**
 * The complainant's notices (投诉人告知): the complaint registered, accepted or
 * not (with the reason, 不予受理告知), the reply's due date extended, the reply
 * and the review's answer. The event names the complaint only: the contact and
 * what the complainant is told in words (the explanation, the reply, the
 * review's answer) are read from the complaint as stored, so neither ever
 * rides on the bus. The contact is an email address or a phone number: a
 * mobile gets the SMS, an address the email, a landline nothing (the hotline
 * calls back). Messages are in Chinese: a complaint records no language.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { notAcceptedReasonLabels } from '#schemas/api/complaints';
import type { ComplaintEventData } from '#schemas/events/complaints';
import { complaintEventSchemas } from '#schemas/events/complaints';
import type { DomainEvent } from '#shared/events';
import { InvalidEventError } from '#shared/invalid-event';
import { validationErrors } from '#shared/validate';
import { complaintOf, type ComplaintRecord } from '../complaints/public.ts';
import type { Notification } from './consumer.ts';
import { SIGNATURES, type Message } from './templates.ts';

const SIGNATURE = SIGNATURES['zh-CN'];
const reasonZh: Readonly<Record<string, string>> = notAcceptedReasonLabels;

type Template = (d: ComplaintEventData, c: ComplaintRecord) => Message;

/** The events a complainant is told of, each with its message (SMS one 70-character part). */
const templates: Readonly<Record<string, Template>> = {
  ComplaintFiled: (d) => ({
    subject: '投诉已登记',
    text: `您的投诉已登记，编号 ${d.complaintId}。中心将于 ${d.acceptDue} 前决定是否受理，并告知您。`,
    sms: `${SIGNATURE}您的投诉已登记，将于${d.acceptDue}前决定是否受理。`,
  }),
  ComplaintAccepted: (d) => ({
    subject: '投诉已受理',
    text: `您的投诉（编号 ${d.complaintId}）已受理，已交承办部门办理，将于 ${d.replyDue} 前答复您。`,
    sms: `${SIGNATURE}您的投诉已受理，承办部门将于${d.replyDue}前答复。`,
  }),
  ComplaintNotAccepted: (d, c) => {
    const reason = reasonZh[d.details.reason ?? ''] ?? d.details.reason ?? '';
    return {
      subject: '投诉不予受理告知',
      text: `您的投诉（编号 ${d.complaintId}）不予受理。原因：${reason}。${c.notAccepted?.explanation ? `说明：${c.notAccepted.explanation}` : ''}`,
      sms: `${SIGNATURE}您的投诉不予受理，原因：${reason}。`,
    };
  },
  ComplaintExtensionApproved: (d) => ({
    subject: '投诉答复期限延长',
    text: `您的投诉（编号 ${d.complaintId}）经批准延期答复，答复期限延至 ${d.replyDue}。`,
    sms: `${SIGNATURE}您的投诉答复期限经批准延至${d.replyDue}。`,
  }),
  ComplaintReplied: (d, c) => ({
    subject: '投诉已答复',
    text: `您的投诉（编号 ${d.complaintId}）已答复：${c.reply?.text ?? ''}\n请于 ${d.rateDue} 前对答复作出评价，逾期视为满意；不满意的，可申请中心复核。`,
    sms: `${SIGNATURE}您的投诉已答复，请于${d.rateDue}前评价，逾期视为满意。`,
  }),
  ComplaintReviewAnswered: (d, c) => ({
    subject: '投诉复核意见',
    text: `您的投诉（编号 ${d.complaintId}）复核意见：${c.review?.answer ?? ''}\n本投诉已办结。`,
    sms: `${SIGNATURE}您的投诉复核已完成，投诉已办结。`,
  }),
};

export const complainantNoticeTypes: readonly string[] = Object.keys(templates);

/** The message of an event for a complaint as stored (pure); undefined: not one the complainant is told of. */
export function renderComplaintNotice(detailType: string, data: ComplaintEventData, complaint: ComplaintRecord): Message | undefined {
  return templates[detailType]?.(data, complaint);
}

/** Where the complaint's contact reaches: an address by email, anything else tried as a mobile number. */
export function contactOf(contact: string | undefined): Notification['contact'] {
  if (!contact) return {};
  return contact.includes('@') ? { email: contact } : { phone: contact };
}

export async function complaintNotifications(event: EventBridgeEvent<string, unknown>): Promise<Notification[]> {
  const detailType = event['detail-type'];
  const schema = complaintEventSchemas[detailType as keyof typeof complaintEventSchemas];
  const errors = schema ? validationErrors(schema, event.detail, '/detail') : [{ path: '/detail-type', message: 'unknown' }];
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${detailType}) is not a valid complaint event: ${JSON.stringify(errors)}`);
  const { centerId, eventId, data } = event.detail as DomainEvent<ComplaintEventData>;
  const complaint = await complaintOf(centerId, data.complaintId);
  const message = complaint && renderComplaintNotice(detailType, data, complaint);
  if (!complaint || !message) return [];
  return [{
    centerId, eventId, eventType: detailType, subject: { type: 'complaint', id: data.complaintId }, message,
    // The complainant gave one contact: the other channel is skipped for want of an address.
    language: 'zh-CN', channels: ['sms', 'email'], byDefault: false, contact: contactOf(complaint.complainant?.contact),
  }];
}
