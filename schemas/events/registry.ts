/**
 * The schema of each event on the bus, by source and detail-type, for the
 * consumers that take events of every domain (the audit log). A detail-type
 * not listed here is checked against the envelope alone (its data unchecked):
 * a domain that adds an event adds its schema here.
 */
import type { TSchema } from '@sinclair/typebox';
import { AnyEvent } from './envelope.ts';
import { thresholdDetailTypes } from './threshold-types.ts';

type SourceSchemas = Readonly<Record<string, TSchema>> | ((detailType: string) => TSchema);

/**
 * Each source's schemas, imported (and built) with the first event of that
 * source: in a bundle that splits, a chunk per domain, so a cold start builds
 * none of them and a consumer builds only the domains it meets.
 */
const loaders: Readonly<Record<string, () => Promise<SourceSchemas>>> = {
  // One data shape for every lifecycle transition (functions/cases/lifecycle.ts), another for the clock thresholds.
  'onestop.cases': async () => {
    const { caseEventSchema, thresholdEventSchema } = await import('./cases.ts');
    return (detailType) => (thresholdDetailTypes.includes(detailType) ? thresholdEventSchema : caseEventSchema);
  },
  'onestop.catalog': async () => (await import('./catalog.ts')).catalogEventSchemas,
  'onestop.org': async () => {
    const { orgEventSchemas, staffAbsenceEventSchemas, staffRemovalEventSchemas } = await import('./org.ts');
    return { ...orgEventSchemas, ...staffRemovalEventSchemas, ...staffAbsenceEventSchemas };
  },
  'onestop.applicants': async () => (await import('./applicants.ts')).applicantEventSchemas,
  'onestop.notifications': async () => ({ NotificationSent: (await import('./notifications.ts')).notificationEventSchema }),
  'onestop.evaluation': async () => (await import('./evaluation.ts')).evaluationEventSchemas,
  'onestop.documents': async () => (await import('./documents.ts')).documentEventSchemas,
  'onestop.supervision': async () => (await import('./supervision.ts')).supervisionEventSchemas,
  'onestop.complaints': async () => (await import('./complaints.ts')).complaintEventSchemas,
  'onestop.fees': async () => ({ ...(await import('./fees.ts')).feeEventSchemas, ...(await import('./fees-finance.ts')).feeFinanceEventSchemas }),
  'onestop.appraisal': async () => (await import('./appraisal.ts')).appraisalEventSchemas,
  // The queue domain's tickets and its appointments share the source.
  'onestop.queue': async () => ({ ...(await import('./queue.ts')).queueEventSchemas, ...(await import('./appointments.ts')).appointmentEventSchemas }),
};

const loaded = new Map<string, Promise<SourceSchemas>>();

/** A source's schemas, loaded once; a failed load is not kept, so the next event tries again (lazyImport's rule: schemas/ may not import functions/shared). */
function schemasOf(source: string): Promise<SourceSchemas> | undefined {
  if (!Object.hasOwn(loaders, source)) return undefined;
  let schemas = loaded.get(source);
  if (!schemas) {
    schemas = loaders[source]!();
    loaded.set(source, schemas);
    schemas.catch(() => loaded.delete(source));
  }
  return schemas;
}

/** The schema an event's detail must match: its detail-type's, else the envelope's. */
export async function eventSchemaOf(source: string, detailType: string): Promise<{ schema: TSchema; known: boolean }> {
  const entry = await schemasOf(source);
  const schema = typeof entry === 'function' ? entry(detailType) : entry && Object.hasOwn(entry, detailType) ? entry[detailType] : undefined;
  return schema ? { schema, known: true } : { schema: AnyEvent, known: false };
}
