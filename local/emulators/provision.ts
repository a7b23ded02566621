/**
 * Creates the template's tables (keys, GSIs, LSIs, stream, TTL) in DynamoDB
 * Local and its buckets (with CORS) in s3rver. Existing ones are kept, so state
 * survives restarts; a table whose indexes no longer match the template is
 * reported (`npm start -- --reset` recreates everything).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, ListBucketsCommand, PutBucketCorsCommand, S3Client, type CORSRule } from '@aws-sdk/client-s3';
import type { BucketModel, TableModel } from '../template.ts';

export async function provisionTables(client: DynamoDBClient, tables: TableModel[], log: (line: string) => void): Promise<void> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    page.TableNames?.forEach((n) => existing.add(n));
    start = page.LastEvaluatedTableName;
  } while (start);

  for (const t of tables) {
    if (existing.has(t.name)) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: t.name }));
      const have = (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort().join(',');
      const want = t.globalSecondaryIndexes.map((i) => i.IndexName).sort().join(',');
      if (have !== want) log(`WARNING table ${t.name} has GSIs [${have}] but the template declares [${want}]: run with --reset`);
      continue;
    }
    const input: CreateTableCommandInput = {
      TableName: t.name,
      KeySchema: t.keySchema,
      AttributeDefinitions: t.attributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      ...(t.globalSecondaryIndexes.length ? { GlobalSecondaryIndexes: t.globalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'] } : {}),
      ...(t.localSecondaryIndexes.length ? { LocalSecondaryIndexes: t.localSecondaryIndexes as CreateTableCommandInput['LocalSecondaryIndexes'] } : {}),
      ...(t.streamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamViewType as 'NEW_IMAGE' } } : {}),
    };
    await client.send(new CreateTableCommand(input));
    if (t.ttlAttribute) {
      // DynamoDB Local accepts the TTL setting (it does delete expired items lazily); never fatal.
      await client
        .send(new UpdateTimeToLiveCommand({ TableName: t.name, TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true } }))
        .catch((err: unknown) => log(`WARNING TTL on ${t.name} not set: ${String(err)}`));
    }
    log(`created table ${t.name}`);
  }
}

export async function provisionBuckets(client: S3Client, buckets: BucketModel[], log: (line: string) => void): Promise<void> {
  const { Buckets = [] } = await client.send(new ListBucketsCommand({}));
  const existing = new Set(Buckets.map((b) => b.Name));
  for (const b of buckets) {
    if (!existing.has(b.name)) {
      await client.send(new CreateBucketCommand({ Bucket: b.name }));
      log(`created bucket ${b.name}`);
    }
    if (b.corsRules.length) {
      // Browsers upload to presigned URLs; without the template's CORS rules they would be refused.
      await client.send(new PutBucketCorsCommand({ Bucket: b.name, CORSConfiguration: { CORSRules: b.corsRules as unknown as CORSRule[] } }));
    }
  }
}
