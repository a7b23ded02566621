/**
 * The outbox: a domain event is an item written in the same transaction as the
 * state change it describes. The table stream and the pipe publish it to the
 * bus (source, detail-type and the detail JSON are read off these attributes),
 * so an event is never lost and never published for a change that did not happen.
 */
import type { Actor, Subject } from '#schemas/events/envelope';
import { newId } from './ids.ts';

export interface DomainEvent<TData> {
  readonly eventId: string;
  readonly centerId: string;
  readonly occurredAt: string;
  readonly actor: Actor;
  readonly subject: Subject;
  readonly version: 1;
  readonly data: TData;
}

export interface EventDraft<TData> {
  readonly source: `onestop.${string}`;
  readonly detailType: string;
  readonly centerId: string;
  readonly actor: Actor;
  readonly subject: Subject;
  readonly data: TData;
  readonly occurredAt: string;
}

/**
 * The outbox item's contract with the pipe (infra/stacks/outbox.ts builds its
 * filter and target paths from these): items with `kind = event` are published,
 * `source` and `detailType` become the event's, and `detail` (JSON text) its detail.
 */
export const outboxItemShape = { kindAttribute: 'kind', kind: 'event', source: 'source', detailType: 'detailType', detail: 'detail' } as const;

/** The item to Put next to the state change; `PK` groups it with the entity's history. */
export function outboxItem<TData>(pk: string, draft: EventDraft<TData>) {
  const event: DomainEvent<TData> = {
    eventId: newId(),
    centerId: draft.centerId,
    occurredAt: draft.occurredAt,
    actor: draft.actor,
    subject: draft.subject,
    version: 1,
    data: draft.data,
  };
  return {
    event,
    item: {
      PK: pk,
      SK: `EVENT#${event.eventId}`,
      [outboxItemShape.kindAttribute]: outboxItemShape.kind,
      [outboxItemShape.source]: draft.source,
      [outboxItemShape.detailType]: draft.detailType,
      [outboxItemShape.detail]: JSON.stringify(event),
    },
  };
}
