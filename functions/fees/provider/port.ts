/**
 * The payment-provider port: what the fees domain needs of any provider. One
 * adapter per provider (gateway.ts speaks protocol.ts, which the local
 * simulator serves); notifications come in through the fees API and are
 * checked with `verifyNotification` against the provider's published keys.
 *
 * Every call may time out: the caller keeps the order pending and asks
 * again (`queryOrder`, from a schedule) rather than assuming either outcome,
 * and `createOrder` and `refund` are idempotent under the merchant's numbers,
 * so asking twice never charges or refunds twice.
 */
import type { CreateOrder, CreatedOrder, OrderState, RefundRequest, RefundResult, StatementLine } from './protocol.ts';

export class ProviderRefusal extends Error {
  override name = 'ProviderRefusal';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface PaymentProvider {
  createOrder(order: CreateOrder): Promise<CreatedOrder>;
  /** Undefined when the provider has no order of that number (it was never created). */
  queryOrder(outTradeNo: string): Promise<OrderState | undefined>;
  /** Closes an unpaid order; a ProviderRefusal `ORDER_PAID` when it was paid meanwhile. */
  closeOrder(outTradeNo: string): Promise<void>;
  refund(request: RefundRequest): Promise<RefundResult>;
  /** The statement of a day (China time, YYYY-MM-DD); a ProviderRefusal `NOT_READY` before the provider has made it. */
  statement(date: string): Promise<StatementLine[]>;
}
