/**
 * The adapter of the port for a provider that speaks protocol.ts over HTTPS
 * (the local simulator does). Requests carry the merchant's id and API key;
 * each has a deadline, after which it fails as a timeout: the caller cannot
 * tell whether the provider acted, and settles it by asking (port.ts).
 */
import { ProviderRefusal, type PaymentProvider } from './port.ts';
import { parseStatement, type CreateOrder, type CreatedOrder, type OrderState, type RefundRequest, type RefundResult } from './protocol.ts';

export interface GatewayConfig {
  readonly baseUrl: string;
  readonly merchantId: string;
  readonly apiKey: string;
  /** Per request; a provider slower than this is treated as unreachable for this attempt. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

export function gatewayProvider(config: GatewayConfig): PaymentProvider {
  const base = config.baseUrl.replace(/\/$/, '');
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    return fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${config.apiKey}`, 'x-merchant-id': config.merchantId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  }
  async function json<T>(res: Response): Promise<T> {
    if (res.ok) return (await res.json()) as T;
    const problem = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    // A 5xx is the provider's trouble, not an answer: the caller retries or asks later.
    if (res.status >= 500 || !problem.code) throw new Error(`payment provider answered ${res.status}`);
    throw new ProviderRefusal(problem.code, problem.message ?? problem.code);
  }
  return {
    createOrder: async (order: CreateOrder) => json<CreatedOrder>(await call('POST', '/v1/orders', order)),
    async queryOrder(outTradeNo) {
      const res = await call('GET', `/v1/orders/${encodeURIComponent(outTradeNo)}`);
      if (res.status === 404) return undefined;
      return json<OrderState>(res);
    },
    async closeOrder(outTradeNo) {
      await json<unknown>(await call('POST', `/v1/orders/${encodeURIComponent(outTradeNo)}/close`, {}));
    },
    refund: async (request: RefundRequest) => json<RefundResult>(await call('POST', '/v1/refunds', request)),
    async statement(date) {
      const res = await call('GET', `/v1/statements/${encodeURIComponent(date)}`);
      if (!res.ok) await json<never>(res);
      return parseStatement(await res.text());
    },
  };
}
