/**
 * The payment provider a stage names (infra/config.ts `paymentProvider`) and
 * how the fees function finds it (functions/fees/provider/configured.ts): the
 * simulator only in the local cloud, a gateway only over https with its keys,
 * and no provider at all answered 503 `payments-not-offered`.
 */
import { describe, expect, it } from 'vitest';
import { checkPaymentSettings, stageConfig, type PaymentGatewaySettings } from '../../../infra/config.ts';
import { HttpProblem } from '#shared/errors';
import { paymentProvider } from '../../../functions/fees/provider/configured.ts';

const gateway: PaymentGatewaySettings = {
  baseUrl: 'https://pay.example.com/api', merchantId: 'm-1', apiKeySecretName: 'onestop/payments/api-key',
  publicKeys: { 'serial-1': '-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----' },
};

describe('payment provider settings', () => {
  it('local names the simulator; dev and prod none until an operator configures one', () => {
    expect(stageConfig('local').paymentProvider).toBe('simulator');
    expect(stageConfig('dev').paymentProvider).toBeUndefined();
    expect(stageConfig('prod').paymentProvider).toBeUndefined();
  });

  it('refuses the simulator outside the local cloud, and a gateway without https or keys', () => {
    expect(() => checkPaymentSettings({ ...stageConfig('dev'), paymentProvider: 'simulator' })).toThrow(/local cloud only/);
    expect(() => checkPaymentSettings({ ...stageConfig('dev'), paymentProvider: { ...gateway, baseUrl: 'http://pay.example.com' } })).toThrow(/https baseUrl/);
    expect(() => checkPaymentSettings({ ...stageConfig('dev'), paymentProvider: { ...gateway, publicKeys: {} } })).toThrow(/public key/);
    expect(() => checkPaymentSettings({ ...stageConfig('prod'), paymentProvider: gateway })).not.toThrow();
  });

  it('a function without a provider answers 503 payments-not-offered', () => {
    let thrown: unknown;
    try {
      paymentProvider({});
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    expect((thrown as HttpProblem).status).toBe(503);
    expect((thrown as HttpProblem).problem.slug).toBe('payments-not-offered');
  });
});
