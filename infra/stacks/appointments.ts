/**
 * Appointments (预约) in the stack: their routes are served by the
 * QueueFunction (infra/stacks/queue.ts); here is the missed-booking sweep, a
 * schedule Consumer like the case sweep (bounded retries, its own DLQ).
 */
import * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';

export interface AppointmentsProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly bus: events.IEventBus;
}

/** A booking is marked missed within 5 minutes of its slot's end. */
export const APPOINTMENT_SWEEP_SCHEDULE = 'rate(5 minutes)';

export function addAppointments(scope: Construct, props: AppointmentsProps) {
  const sweep = new DomainFunction(scope, 'AppointmentSweepFunction', { entry: 'functions/queue/appointments/sweep.ts', domain: 'queue', config: props.config })
    .bindTable(props.table, 'readWrite');
  new Consumer(scope, 'AppointmentSweep', {
    trigger: { schedule: events.Schedule.expression(APPOINTMENT_SWEEP_SCHEDULE) },
    fn: sweep,
    config: props.config,
    description: 'Bookings not checked in by their slot\'s end → missed (AppointmentMissed); N misses in 30 days block booking',
  });
  return { sweep };
}
