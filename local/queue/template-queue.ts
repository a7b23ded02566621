/**
 * The SQS part of the template for the local cloud: each queue's visibility
 * timeout and RedrivePolicy, and every AWS::Lambda::EventSourceMapping from a
 * queue of the stack. A mapping the emulator cannot honour (another source
 * kind, filter criteria) stops start-up rather than silently doing nothing.
 */
import type { CfnResource, CfnTemplate, Resolver } from '../intrinsics.ts';
import type { QueueModel } from '../template.ts';
import type { EventSourceMappingModel } from './event-source.ts';

type Lookup = (arnOrName: string, types: string[], where: string) => string;

const num = (v: unknown, fallback: number) => (v === undefined || v === null ? fallback : Number(v));

export function queueModel(id: string, res: CfnResource, r: Resolver, lookup: Lookup): QueueModel {
  const p = (r.resolve(res.Properties ?? {}, id) ?? {}) as Record<string, any>;
  const redrive = typeof p.RedrivePolicy === 'string' ? JSON.parse(p.RedrivePolicy) : p.RedrivePolicy;
  return {
    logicalId: id,
    name: id,
    // SQS's default visibility timeout.
    visibilityTimeoutSeconds: num(p.VisibilityTimeout, 30),
    ...(redrive?.deadLetterTargetArn
      ? { redrive: { deadLetterQueue: lookup(String(redrive.deadLetterTargetArn), ['AWS::SQS::Queue'], `${id}.RedrivePolicy.deadLetterTargetArn`), maxReceiveCount: num(redrive.maxReceiveCount, 10) } }
      : {}),
  };
}

export function extractEventSourceMappings(template: CfnTemplate, r: Resolver, lookup: Lookup): EventSourceMappingModel[] {
  return Object.entries(template.Resources)
    .filter(([, res]) => res.Type === 'AWS::Lambda::EventSourceMapping')
    .map(([id, res]): EventSourceMappingModel => {
      const p = (r.resolve(res.Properties ?? {}, id) ?? {}) as Record<string, any>;
      const source = String(p.EventSourceArn ?? '');
      if (!source.startsWith('arn:aws:sqs:')) throw new Error(`${id}.EventSourceArn: only SQS sources are supported by the local cloud (${source})`);
      if (p.FilterCriteria) throw new Error(`${id}.FilterCriteria: event filtering is not supported by the local cloud`);
      const types = (p.FunctionResponseTypes ?? []) as string[];
      return {
        logicalId: id,
        functionId: lookup(String(p.FunctionName), ['AWS::Lambda::Function'], `${id}.FunctionName`),
        queueId: lookup(source, ['AWS::SQS::Queue'], `${id}.EventSourceArn`),
        // Lambda's defaults for SQS: 10 messages, no batching window.
        batchSize: num(p.BatchSize, 10),
        maximumBatchingWindowSeconds: num(p.MaximumBatchingWindowInSeconds, 0),
        ...(p.ScalingConfig?.MaximumConcurrency !== undefined ? { maximumConcurrency: Number(p.ScalingConfig.MaximumConcurrency) } : {}),
        reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
        enabled: p.Enabled !== false && p.Enabled !== 'false',
      };
    });
}
