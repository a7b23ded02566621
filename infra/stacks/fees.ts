/**
 * The fees domain (收费) in the stack: its API function and routes (charges,
 * their actions, and the provider's public notification route). The payment
 * provider is the stage's (`paymentProvider`): a deployed stage that names one
 * gets its URL, merchant, public keys and the API key as a Secrets Manager
 * dynamic reference; the local cloud sets the simulator's itself; a stage
 * that names none binds nothing, and the routes that need a provider answer 503.
 * Its events reach the audit log through the bus (the audit rule takes every
 * `onestop.` source) and the case lifecycle's payment gate. With a provider,
 * a schedule reconciles each day with its statement (finance.ts).
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export interface FeesProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly api: DomainHttpApi;
}

export const FEES_WATCH_SCHEDULE = 'rate(15 minutes)';

/** The morning after, China time (10:00–14:00, UTC+8): hourly, the runs after the first one that found the statement read the reports and stop. */
export const RECONCILIATION_SCHEDULE = 'cron(0 2-6 * * ? *)';

export function addFees(scope: Construct, props: FeesProps) {
  const { config, table } = props;
  const api = new DomainFunction(scope, 'FeesFunction', { entry: 'functions/fees/handler.ts', domain: 'fees', config })
    .bindTable(table, 'readWrite');
  // The fees watch: order queries for lost callbacks, expiry, closing orders, returning held money (functions/fees/watch.ts).
  const watcher = new DomainFunction(scope, 'FeesWatchFunction', { entry: 'functions/fees/watch.ts', domain: 'fees', config })
    .bindTable(table, 'readWrite');
  const gateway = typeof config.paymentProvider === 'object' ? config.paymentProvider : undefined;
  if (gateway) {
    // The operator creates the secret with the merchant's API key: imported by name, no value in the template.
    const apiKey = secretsmanager.Secret.fromSecretNameV2(scope, 'PaymentProviderApiKey', gateway.apiKeySecretName);
    for (const fn of [api, watcher]) {
      fn
        .bindValue('PAYMENT_PROVIDER_URL', gateway.baseUrl)
        .bindValue('PAYMENT_MERCHANT_ID', gateway.merchantId)
        .bindValue('PAYMENT_PUBLIC_KEYS', JSON.stringify(gateway.publicKeys))
        .bindSecretValue(apiKey, 'PAYMENT_API_KEY');
      if (gateway.notifyUrl) fn.bindValue('PAYMENT_NOTIFY_URL', gateway.notifyUrl);
    }
  }
  const watch = new Consumer(scope, 'FeesWatch', {
    trigger: { schedule: events.Schedule.expression(FEES_WATCH_SCHEDULE) },
    fn: watcher,
    config,
    description: 'Charges waiting for payment asked of the provider (lost callbacks), expired after their last day to pay with their orders closed; payments that found nothing due returned',
  });
  props.api.addDomain('fees', api);
  const reconciliation = config.paymentProvider && new Consumer(scope, 'FeeReconciliation', {
    trigger: { schedule: events.Schedule.expression(RECONCILIATION_SCHEDULE) },
    // The API's function: the handler tells a schedule's event from a request.
    fn: api,
    config,
    description: 'Reconciles the day before with the payment provider\'s statement for every center without its report (hourly through the morning, until the statement is ready)',
  });
  return { api, watcher, watch, reconciliation };
}
