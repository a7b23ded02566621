/**
 * The OneStop stack (DESIGN §2): HTTP API → domain Lambdas → single table →
 * stream + outbox pipe → bus → consumers; buckets; Cognito.
 * Routes come from the API's assembly (infra/routes.ts); they are never listed here.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { calendarTrigger, feeGateTrigger } from '../../functions/cases/subscriptions.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import { DomainHttpApi } from '../constructs/http-api.ts';
import { WebSite } from '../constructs/web-site.ts';
import { Monitoring } from '../constructs/monitoring.ts';
import { acknowledge } from '../nag.ts';
import { addAppointments } from './appointments.ts';
import { addAppraisal } from './appraisal.ts';
import { createAudit } from './audit.ts';
import { addComplaints } from './complaints.ts';
import { addFees } from './fees.ts';
import { addDocuments } from './documents.ts';
import { createIdentity } from './identity.ts';
import { addEvaluation } from './evaluation.ts';
import { addHallDisplays } from './hall.ts';
import { createNotifications } from './notifications.ts';
import { createOutboxPipe } from './outbox.ts';
import { addQueue } from './queue.ts';
import { addSupervision } from './supervision.ts';
import { createBuckets, createTable } from './storage.ts';

export interface OneStopStackProps extends StackProps {
  readonly config: StageConfig;
}

export class OneStopStack extends Stack {
  constructor(scope: Construct, id: string, props: OneStopStackProps) {
    super(scope, id, props);
    const { config } = props;

    const table = createTable(this, config);
    const buckets = createBuckets(this, config);
    const bus = new events.EventBus(this, 'Bus', { eventBusName: `onestop-${config.stage}` });
    createOutboxPipe(this, { table, bus, config });
    const { userPool, userPoolClient, serviceClients } = createIdentity(this, config);

    const cursorKey = new secretsmanager.Secret(this, 'CursorKeySecret', {
      description: 'HMAC key that signs pagination cursors (nextToken)',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
      removalPolicy: config.removalPolicy,
    });
    acknowledge(cursorKey, 'AwsSolutions-SMG4',
      'HMAC key for short-lived pagination cursors, injected at deploy time as a dynamic reference: a scheduled rotation would not reach running functions before the next deployment; rotate by redeploying.');
    // Query codes are derived from it (functions/cases/case-numbers.ts): whoever prints or sends one computes it.
    const queryCodeKey = new secretsmanager.Secret(this, 'QueryCodeKeySecret', {
      description: 'HMAC key from which each case\'s query code (查询码) is derived: the cases API, the receipt\'s issuer and the acceptance notice compute the code, so it never travels',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
      removalPolicy: config.removalPolicy,
    });
    acknowledge(queryCodeKey, 'AwsSolutions-SMG4',
      'Every query code on paper is derived from this key: rotating it changes them all at once (applicants would find the new code in their own view, a printed receipt\'s code would stop working), so it is replaced only on suspicion of disclosure, by redeploying.');

    // Functions (construct ids of the contract).
    const catalog = new DomainFunction(this, 'CatalogFunction', { entry: 'functions/catalog/handler.ts', domain: 'catalog', config })
      .bindTable(table, 'readWrite')
      .bindSecretValue(cursorKey, 'CURSOR_KEY')
      .bindValue('DEFAULT_CENTER_ID', config.defaultCenterId);
    const org = new DomainFunction(this, 'OrgFunction', { entry: 'functions/org/handler.ts', domain: 'org', config })
      .bindTable(table, 'readWrite')
      .bindUserPool(userPool)
      .bindValue('DEFAULT_CENTER_ID', config.defaultCenterId);
    const applicants = new DomainFunction(this, 'ApplicantsFunction', { entry: 'functions/applicants/handler.ts', domain: 'applicants', config })
      .bindTable(table, 'readWrite')
      .bindUserPool(userPool)
      .bindValue('DEFAULT_CENTER_ID', config.defaultCenterId);
    if (config.identityProvider) applicants.bindValue('IDENTITY_PROVIDER', config.identityProvider);
    const oidc = config.identityProvider === 'oidc' ? config.identityOidc : undefined;
    if (oidc) {
      // The operator creates the secret with the provider's client secret: the stack imports it by name, no value is in the template.
      const clientSecret = secretsmanager.Secret.fromSecretNameV2(this, 'IdentityOidcClientSecret', oidc.clientSecretName);
      applicants
        .bindValue('IDENTITY_OIDC_ISSUER', oidc.issuer)
        .bindValue('IDENTITY_OIDC_CLIENT_ID', oidc.clientId)
        .bindValue('IDENTITY_OIDC_REDIRECT_URI', oidc.redirectUri)
        .bindSecretValue(clientSecret, 'IDENTITY_OIDC_CLIENT_SECRET');
      if (oidc.clientAuth) applicants.bindValue('IDENTITY_OIDC_CLIENT_AUTH', oidc.clientAuth);
      if (oidc.claims) applicants.bindValue('IDENTITY_OIDC_CLAIMS', JSON.stringify(oidc.claims));
    }
    // `--splitting`: the intake check and Ajv load with the first intake, not at every cold start (decision 69).
    const cases = new DomainFunction(this, 'CasesFunction', { entry: 'functions/cases/handler.ts', domain: 'cases', config })
      .bindTable(table, 'readWrite')
      .bindSecretValue(cursorKey, 'CURSOR_KEY')
      .bindSecretValue(queryCodeKey, 'QUERY_CODE_KEY')
      .bindValue('DEFAULT_CENTER_ID', config.defaultCenterId);
    const caseSweeper = new DomainFunction(this, 'CaseSweepFunction', { entry: 'functions/cases/sweeper.ts', domain: 'cases', config })
      .bindTable(table, 'readWrite');
    const caseWatch = new DomainFunction(this, 'CaseWatchFunction', { entry: 'functions/cases/watch.ts', domain: 'cases', config })
      .bindTable(table, 'readWrite');
    const caseRecount = new DomainFunction(this, 'CaseRecountFunction', { entry: 'functions/cases/recount.ts', domain: 'cases', config })
      .bindTable(table, 'readWrite');
    const casePaymentGate = new DomainFunction(this, 'CasePaymentGateFunction', { entry: 'functions/cases/payment-gate.ts', domain: 'cases', config })
      .bindTable(table, 'readWrite');

    const api = new DomainHttpApi(this, 'Api', { config, userPool, userPoolClient, serviceClientIds: serviceClients.map((c) => c.clientId) });
    api.addDomain('catalog', catalog);
    api.addDomain('org', org);
    api.addDomain('applicants', applicants);
    api.addDomain('cases', cases);
    const audit = createAudit(this, { table, bus, api, bucket: buckets.audit, cursorKey, config });
    addEvaluation(this, { config, table, bus, api, cursorKey });
    addSupervision(this, { config, table, bus, api, cursorKey });
    addQueue(this, { config, table, bus, api, cursorKey });
    addComplaints(this, { config, table, api, cursorKey, serviceClients });
    addFees(this, { config, table, api });
    addAppraisal(this, { config, table, api });
    createNotifications(this, { table, bus, api, queryCodeKey, config });
    addDocuments(this, { table, bus, api, materials: buckets.materials, archive: buckets.archive, cursorKey, queryCodeKey, config });
    const hall = addHallDisplays(this, { config, table, bus });
    addAppointments(this, { config, table, bus });
    const site = new WebSite(this, 'Web', { config, endpoints: { apiUrl: api.url, hallSocketUrl: hall.url } });

    new Consumer(this, 'CaseSweep', {
      trigger: { schedule: events.Schedule.expression(config.caseSweepSchedule) },
      fn: caseSweeper,
      config,
      description: 'Deemed acceptance after the notice period (art. 32) and the end of lapsed 容缺 pledges',
    });
    new Consumer(this, 'CaseWatch', {
      trigger: { schedule: events.Schedule.expression(config.caseWatchSchedule) },
      fn: caseWatch,
      config,
      description: 'Clock thresholds (warning, yellow, red) published once, within a minute of their instant (电子监察)',
    });
    new Consumer(this, 'CaseRecount', {
      trigger: { bus, eventPattern: { source: [calendarTrigger.source], detailType: [calendarTrigger.detailType] } },
      fn: caseRecount,
      config,
      description: 'CalendarChanged → open cases counted on a provisional year are counted again (DeadlinesRecomputed)',
    });
    new Consumer(this, 'CasePaymentGate', {
      trigger: { bus, eventPattern: { source: [feeGateTrigger.source], detailType: [...feeGateTrigger.detailTypes] } },
      fn: casePaymentGate,
      config,
      description: 'The fees domain\'s gate events → the case waits to pay (to_pay) and goes on once its charge is settled',
    });

    // Alarms, the alarm topic and the dashboard. Every DLQ, function, consumer, API and pipe of the
    // stack is found at synthesis, wherever it is defined (infra/constructs/monitoring.ts).
    const monitoring = new Monitoring(this, 'Monitoring', { config });
    monitoring.expectDailySuccess(audit.digester, {
      kind: 'audit-digest-missing',
      window: config.alarms.auditDigestWindow,
      description: `No successful audit digest run in the last ${config.alarms.auditDigestWindow.toHumanString()}: the day before is not sealed by 01:00 center time (the run is at 00:15).`,
    });

    const outputs: Record<string, string> = {
      ApiUrl: api.url,
      UserPoolId: userPool.userPoolId,
      UserPoolClientId: userPoolClient.userPoolClientId,
      EventBusName: bus.eventBusName,
      MaterialsBucketName: buckets.materials.bucketName,
      ArchiveBucketName: buckets.archive.bucketName,
      AuditBucketName: buckets.audit.bucketName,
      TableName: table.tableName,
      SiteUrl: site.url,
      HallSocketUrl: hall.url,
      AlarmTopicArn: monitoring.topic.topicArn,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
  }
}
