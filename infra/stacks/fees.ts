/**
 * The fees domain (收费) in the stack: its API function and routes (charges,
 * their actions, and the provider's public notification route). The payment
 * provider is the stage's (`paymentProvider`): a deployed stage that names one
 * gets its URL, merchant, public keys and the API key as a Secrets Manager
 * dynamic reference; the local cloud sets the simulator's itself; a stage
 * that names none binds nothing, and the routes that need a provider answer 503.
 * Its events reach the audit log through the bus (the audit rule takes every
 * `onestop.` source) and the case lifecycle's payment gate.
 */
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export interface FeesProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly api: DomainHttpApi;
}

export function addFees(scope: Construct, props: FeesProps) {
  const { config, table } = props;
  const api = new DomainFunction(scope, 'FeesFunction', { entry: 'functions/fees/handler.ts', domain: 'fees', config })
    .bindTable(table, 'readWrite');
  const gateway = typeof config.paymentProvider === 'object' ? config.paymentProvider : undefined;
  if (gateway) {
    // The operator creates the secret with the merchant's API key: imported by name, no value in the template.
    const apiKey = secretsmanager.Secret.fromSecretNameV2(scope, 'PaymentProviderApiKey', gateway.apiKeySecretName);
    api
      .bindValue('PAYMENT_PROVIDER_URL', gateway.baseUrl)
      .bindValue('PAYMENT_MERCHANT_ID', gateway.merchantId)
      .bindValue('PAYMENT_PUBLIC_KEYS', JSON.stringify(gateway.publicKeys))
      .bindSecretValue(apiKey, 'PAYMENT_API_KEY');
    if (gateway.notifyUrl) api.bindValue('PAYMENT_NOTIFY_URL', gateway.notifyUrl);
  }
  props.api.addDomain('fees', api);
  return { api };
}
