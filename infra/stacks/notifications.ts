/**
 * Notifications (DESIGN §4): the consumer that turns case events and appointment
 * confirmations into SMS and email for the applicant (or the caller a clerk booked
 * for), the staff notices of the clock thresholds, and the API serving a case's delivery log.
 */
import * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { applicantNoticeTrigger } from '../../functions/notifications/applicant-notices.ts';
import { staffNoticeTrigger } from '../../functions/notifications/subscriptions.ts';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export function createNotifications(scope: Construct, deps: { table: ITable; bus: events.IEventBus; api: DomainHttpApi; queryCodeKey: ISecret; config: StageConfig }) {
  const { table, bus, api, config } = deps;
  const consumer = new DomainFunction(scope, 'NotificationsFunction', { entry: 'functions/notifications/consumer.ts', domain: 'notifications', config })
    .bindTable(table, 'readWrite')
    .bindEmailSender(config.mailFrom)
    .bindSmsSender()
    // The acceptance notice carries the query code, derived here: no event carries it.
    .bindSecretValue(deps.queryCodeKey, 'QUERY_CODE_KEY');
  new Consumer(scope, 'NotificationsConsumer', {
    // Only the event types that have a message: the rest (internal steps, check-ins, the clock thresholds for staff) never invoke it.
    trigger: { bus, eventPattern: { source: applicantNoticeTrigger.sources, detailType: [...applicantNoticeTrigger.detailTypes] } },
    fn: consumer,
    config,
    description: 'Case events and appointment confirmations → SMS and email to the applicant, with a delivery log per case or appointment',
  });
  const staffNotices = new DomainFunction(scope, 'StaffNoticesFunction', { entry: 'functions/notifications/staff-notices.ts', domain: 'notifications', config })
    .bindTable(table, 'readWrite')
    .bindEmailSender(config.mailFrom);
  new Consumer(scope, 'StaffNotices', {
    trigger: { bus, eventPattern: { source: staffNoticeTrigger.sources, detailType: [...staffNoticeTrigger.detailTypes] } },
    fn: staffNotices,
    config,
    description: 'Clock thresholds (due soon, limits passed, procedures, call-backs and rectifications overdue, e-licences late) → an email to each of the department\'s handlers',
  });
  const reader = new DomainFunction(scope, 'NotificationsApiFunction', { entry: 'functions/notifications/handler.ts', domain: 'notifications', config })
    .bindTable(table, 'read');
  api.addDomain('notifications', reader);
  return { consumer, staffNotices, reader };
}
