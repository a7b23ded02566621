/**
 * The business rules of the fees domain a request can break, each with its
 * own problem type (schemas/api/problems.ts explains the scheme). The charge
 * lifecycle's guards and the pricing and ledger rules name these.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const feeProblems = defineProblems({
  'assessment-invalid': {
    status: 400, title: msg('核价内容有误', 'Assessment invalid'),
    about: 'A fee named is not one of the item version\'s, is named twice, or its quantity is missing, negative, fractional or outside the fee\'s bounds; `errors` names each line at fault. Nothing is written.',
  },
  'waiver-category-unknown': {
    status: 400, title: msg('减免类别不存在', 'Unknown waiver category'),
    about: 'The waiver category is not one of the center\'s settings (`feeWaivers` of the center profile).',
  },
  'waiver-approver-is-assessor': {
    status: 403, title: msg('须由他人审批减免', 'Someone else must decide the waiver'),
    about: 'A waiver is approved or rejected by someone other than the person who assessed the charge or asked for the waiver (four eyes).',
  },
  'refund-approver-is-requester': {
    status: 403, title: msg('须由他人审批退费', 'Someone else must decide the refund'),
    about: 'A refund is approved or rejected by someone other than the person who asked for it (four eyes).',
  },
  'nothing-due': {
    status: 409, title: msg('没有应缴金额', 'Nothing due'),
    about: 'The charge has nothing left to pay (or to waive).',
  },
  'refund-exceeds-received': {
    status: 409, title: msg('退费超过已收金额', 'Refund exceeds what was received'),
    about: 'A refund asks at most what the provider received for the charge and has not refunded yet.',
  },
  'not-yet-expired': {
    status: 409, title: msg('尚未超过缴费期限', 'Not yet expired'),
    about: 'A charge expires only after the last day to pay on its notice.',
  },
  'case-not-chargeable': {
    status: 409, title: msg('办件当前不能核价', 'Case not chargeable now'),
    about: 'A charge is assessed only on a case whose item version lists fees, at its payment stage: a submitted case for fees paid before acceptance, a granted and completed (办结) one for fees paid before delivery; and only when the case has no charge open (assessed, waiting for a waiver or for payment). Nothing is written.',
  },
  'payments-not-offered': {
    status: 503, title: msg('未配置支付渠道', 'No payment provider'),
    about: 'This deployment names no payment provider (infra/config.ts `paymentProvider`), so it issues no payment notice with a sum due, refunds nothing and takes no notification. Nothing is written.',
  },
  'provider-refused': {
    status: 502, title: msg('支付渠道拒绝', 'Payment provider refused'),
    about: 'The payment provider refused the request (its code is in the detail); the charge is as the response shows.',
  },
  'ledger-refused': {
    status: 409, title: msg('台账拒绝此记录', 'Ledger entry refused'),
    about: 'The entry would take an account below zero, record a transaction or refund twice, or reverse more than was kept; nothing is written.',
  },
  'day-not-over': {
    status: 409, title: msg('该日尚未结束', 'Day not over'),
    about: 'A day is reconciled once it is over (China time, the payment provider\'s days): the statement of today does not exist yet.',
  },
  'statement-not-ready': {
    status: 409, title: msg('对账单尚未生成', 'Statement not ready'),
    about: 'The payment provider has not made the day\'s statement yet; the schedule asks again every hour, or ask again later.',
  },
  'not-reconciled': {
    status: 404, title: msg('该日尚未对账', 'Day not reconciled'),
    about: 'No reconciliation of that day exists for the center yet: the schedule reconciles each day on the morning after, or run it with POST.',
  },
});
