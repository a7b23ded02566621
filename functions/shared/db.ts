/**
 * The DynamoDB document client, created once per container. The endpoint comes
 * from the SDK's standard AWS_ENDPOINT_URL_DYNAMODB in the local cloud.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The single table every domain's store writes to. */
export const tableName = () => requiredEnv('TABLE_NAME');

/**
 * True when a conditional write or transaction lost to another writer: a
 * condition failed, or DynamoDB cancelled the transaction because another
 * transaction was changing the same item at the same moment.
 */
export function isConcurrentChange(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  if (name === 'ConditionalCheckFailedException' || name === 'TransactionConflictException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
}
