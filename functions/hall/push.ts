/**
 * The push consumer: a queue event → its messages (messages.ts) → every
 * display of the event's center that hears them, through the WebSocket
 * stage's @connections API (one Query for the connections; every event at a
 * window names it, so nothing else is read). A connection API Gateway reports gone (410) is
 * forgotten. Another failure to reach one display is logged, not retried:
 * redelivering the event would call the ticket again on every other screen,
 * and a display that lost its link re-reads the board when it reconnects.
 * The bus may deliver an event twice; displays key calls by ticket and the
 * instant of the call, so a repeat changes nothing on screen.
 */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { EventBridgeEvent } from 'aws-lambda';
import type { HallMessage } from '#schemas/api/hall';
import { queueEventSchemas } from '#schemas/events/queue';
import { requiredEnv } from '#shared/db';
import { InvalidEventError } from '#shared/invalid-event';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { hears, isHallEvent, messagesOf, type Display, type HallEvent } from './messages.ts';
import { connectionsOf, forget } from './store.ts';

const connections = new ApiGatewayManagementApiClient({
  endpoint: requiredEnv('HALL_SOCKET_ENDPOINT'),
  maxAttempts: 2,
  // A display that does not take a message within this is counted as failed, not waited on.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
});

type Outcome = 'sent' | 'gone' | 'failed';

async function tell(display: Display, messages: readonly HallMessage[]): Promise<Outcome> {
  try {
    // One after the other: the call, the window's state, then the counts.
    for (const message of messages) {
      await connections.send(new PostToConnectionCommand({ ConnectionId: display.connectionId, Data: JSON.stringify(message) }));
    }
    return 'sent';
  } catch (err) {
    if (err instanceof GoneException) {
      await forget(display.connectionId);
      return 'gone';
    }
    logger.warn('display not reached', { connectionId: display.connectionId, error: (err as Error).name });
    return 'failed';
  }
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<Record<Outcome, number>> {
  const detailType = event['detail-type'];
  if (!isHallEvent(event.source, detailType)) {
    throw new InvalidEventError(`event ${event.id} is ${event.source} ${detailType}, not a queue event the hall shows`);
  }
  const errors = validationErrors(queueEventSchemas[detailType], event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${detailType}) does not match its schema: ${JSON.stringify(errors)}`);
  const { centerId, eventId, data } = event.detail as { centerId: string; eventId: string; data: HallEvent['data'] };
  const hallEvent = { detailType, data } as HallEvent;
  const displays = await connectionsOf(centerId, new Date());
  const messages = messagesOf(hallEvent);

  const outcomes = await Promise.all(displays.map((d) => tell(d, messages.filter((m) => hears(d, m)))));
  const counts: Record<Outcome, number> = { sent: 0, gone: 0, failed: 0 };
  for (const o of outcomes) counts[o]++;
  logger.info('pushed', { eventId, detailType, centerId, ...counts });
  return counts;
}
