/**
 * The payment provider the stage names, from the function's environment
 * (infra/config.ts `paymentProvider`; the local cloud sets the simulator's):
 *   PAYMENT_PROVIDER_URL   the provider's API base (the simulator: <apiUrl>/local/payments)
 *   PAYMENT_MERCHANT_ID    the center's merchant id
 *   PAYMENT_API_KEY        its API key (deployed: a Secrets Manager dynamic reference)
 *   PAYMENT_PUBLIC_KEYS    JSON { serial: PEM }: the keys notifications are checked with
 *   PAYMENT_NOTIFY_URL     where the provider calls back (absent: this API's own /payments/notify)
 * A stage that names none answers `payments-not-offered` (503) where a
 * provider is needed, as registration does without an identity provider.
 */
import type { KeyObject } from 'node:crypto';
import { msg } from '#schemas/api/problems';
import { problem } from '#shared/errors';
import { feeProblems } from '../problems.ts';
import { gatewayProvider } from './gateway.ts';
import type { PaymentProvider } from './port.ts';
import { publicKeysOf } from './protocol.ts';

export interface ConfiguredProvider {
  readonly provider: PaymentProvider;
  readonly publicKeys: ReadonlyMap<string, KeyObject>;
  readonly notifyUrl?: string;
}

let configured: ConfiguredProvider | undefined;

export function paymentProvider(env: NodeJS.ProcessEnv = process.env): ConfiguredProvider {
  if (configured) return configured;
  const { PAYMENT_PROVIDER_URL: baseUrl, PAYMENT_MERCHANT_ID: merchantId, PAYMENT_API_KEY: apiKey, PAYMENT_PUBLIC_KEYS: keys, PAYMENT_NOTIFY_URL: notifyUrl } = env;
  if (!baseUrl || !merchantId || !apiKey || !keys) {
    throw problem(feeProblems['payments-not-offered'], msg('本部署未配置支付渠道，请到窗口缴费。', 'No payment provider is configured here: pay at the center.'));
  }
  configured = {
    provider: gatewayProvider({ baseUrl, merchantId, apiKey }),
    publicKeys: publicKeysOf(JSON.parse(keys) as Record<string, string>),
    ...(notifyUrl ? { notifyUrl } : {}),
  };
  return configured;
}
