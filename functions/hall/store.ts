/**
 * The hall's keys: one item per open WebSocket connection of a display or a
 * window terminal, found by its connection id ($disconnect, a gone
 * connection) and listed per center through GSI1 (the push):
 *
 *   connection   PK HALL#CONN#<connectionId>  SK CONN
 *                GSI1 CENTER#<c>#HALL#CONNECTIONS / <connectionId>
 *                centerId, windowId?, connectedAt, expiresAt (TTL: 2 h, API Gateway's longest connection)
 *
 * The partition key names the connection alone because $disconnect and the
 * management API know nothing else of it; the delete grant is limited to
 * that prefix (infra/stacks/hall.ts). The centers and windows themselves are
 * the org domain's, read through its public module.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { centerProfileKey } from '#shared/center';
import { batchGetItems, db, itemAt, queryAll, tableName } from '#shared/db';
import { orgEntryKeys } from '../org/public.ts';
import type { Display } from './messages.ts';

export const connectionKeyPrefix = 'HALL#CONN#';
const connectionKey = (connectionId: string) => ({ PK: `${connectionKeyPrefix}${connectionId}`, SK: 'CONN' });
const centerConnections = (centerId: string) => `CENTER#${centerId}#HALL#CONNECTIONS`;

/** API Gateway closes a WebSocket connection after 2 hours at most: a display reconnects, and the item expires. */
export const CONNECTION_TTL_SECONDS = 2 * 60 * 60;

export interface Connection extends Display {
  readonly centerId: string;
  readonly connectedAt: string;
}

/** Whether the center exists, and the window in it when one is named: one batch read. */
export async function knownPlace(centerId: string, windowId: string | undefined): Promise<{ center: boolean; window: boolean }> {
  const window = windowId === undefined ? undefined : orgEntryKeys.window(centerId, windowId);
  const found = await batchGetItems([centerProfileKey(centerId), ...(window ? [window] : [])]);
  return { center: itemAt(found, centerProfileKey(centerId)) !== undefined, window: window === undefined || itemAt(found, window) !== undefined };
}

export async function remember(connection: Connection): Promise<void> {
  const expiresAt = Math.floor(Date.parse(connection.connectedAt) / 1000) + CONNECTION_TTL_SECONDS;
  await db.send(new PutCommand({
    TableName: tableName(),
    Item: {
      ...connectionKey(connection.connectionId),
      kind: 'hallConnection',
      GSI1PK: centerConnections(connection.centerId),
      GSI1SK: connection.connectionId,
      connectionId: connection.connectionId,
      centerId: connection.centerId,
      ...(connection.windowId ? { windowId: connection.windowId } : {}),
      connectedAt: connection.connectedAt,
      expiresAt,
    },
  }));
}

export async function forget(connectionId: string): Promise<void> {
  await db.send(new DeleteCommand({ TableName: tableName(), Key: connectionKey(connectionId) }));
}

/** The center's open connections; an expired item DynamoDB has not removed yet is left out. */
export async function connectionsOf(centerId: string, now: Date): Promise<Display[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': centerConnections(centerId) },
  });
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return items
    .filter((i) => Number(i.expiresAt) > nowSeconds)
    .map((i) => ({ connectionId: String(i.connectionId), ...(typeof i.windowId === 'string' ? { windowId: i.windowId } : {}) }));
}

