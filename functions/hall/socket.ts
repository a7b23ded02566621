/**
 * The hall displays' WebSocket routes. $connect admits a display of a known
 * center (and a window terminal of a known window of it) and remembers the
 * connection for the push; $disconnect forgets it; $default answers any
 * message with a pong, the keep-alive that stops API Gateway closing a quiet
 * display after 10 minutes. Nothing is read from or sent to a display but
 * public hall data.
 */
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { HallConnectQuery, type HallMessage } from '#schemas/api/hall';
import { logger } from '#shared/logger';
import { schemaErrors } from '#shared/validate';
import { forget, knownPlace, remember } from './store.ts';

type SocketEvent = APIGatewayProxyWebsocketEventV2 & { queryStringParameters?: Record<string, string | undefined> };

/** A refused handshake: the status is what the display's browser sees. */
const refuse = (statusCode: number, reason: string) => ({ statusCode, body: reason });

async function connect(event: SocketEvent): Promise<APIGatewayProxyResultV2> {
  const { connectionId } = event.requestContext;
  const query = event.queryStringParameters ?? {};
  const errors = schemaErrors(HallConnectQuery, query);
  if (errors.length) {
    logger.info('connect refused', { connectionId, reason: 'query', errors: errors.map((e) => `${e.instancePath} ${e.keyword}`) });
    return refuse(400, 'centerId (and optionally windowId) of the hall');
  }
  const { centerId, windowId } = query as HallConnectQuery;
  const known = await knownPlace(centerId, windowId);
  if (!known.center || !known.window) {
    logger.info('connect refused', { connectionId, centerId, windowId, reason: known.center ? 'unknown window' : 'unknown center' });
    return refuse(404, known.center ? 'no such window in this center' : 'no such center');
  }
  await remember({ connectionId, centerId, ...(windowId ? { windowId } : {}), connectedAt: new Date(event.requestContext.connectedAt).toISOString() });
  logger.info('connected', { connectionId, centerId, windowId });
  return { statusCode: 200 };
}

export async function handler(event: SocketEvent): Promise<APIGatewayProxyResultV2> {
  const { eventType, connectionId } = event.requestContext;
  switch (eventType) {
    case 'CONNECT':
      return connect(event);
    case 'DISCONNECT':
      await forget(connectionId);
      logger.info('disconnected', { connectionId });
      return { statusCode: 200 };
    default: {
      const pong: HallMessage = { type: 'pong' };
      return { statusCode: 200, body: JSON.stringify(pong) };
    }
  }
}
