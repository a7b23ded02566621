/**
 * DynamoDB keys, queries and transactions of the catalog: the only module that
 * knows them (docs/data-model.md lists each access pattern).
 *
 *   item version   PK CENTER#<c>#ITEM#<code>  SK V#<000001>   GSI2 CENTER#<c>#ITEMS / <dept>#<status>#<code>#<v>
 *   item head      PK CENTER#<c>#ITEM#<code>  SK HEAD
 *   item listing   PK CENTER#<c>#ITEM#<code>  SK LISTING      GSI1 CENTER#<c>#PUBLISHED / <dept>#<code> (while published)
 *   item events    PK CENTER#<c>#ITEM#<code>  SK EVENT#<ulid> (the outbox; also the item's history)
 *
 * The head numbers versions and carries a copy of the published version, so a
 * public read is one GetItem. The listing holds only what the public list
 * answers of the published version (ItemSummary, a few hundred bytes), written
 * with the head: the list Query reads those, not whole guides. Every write is one
 * transaction with its event and, when the client sent an Idempotency-Key, the
 * record of its outcome (shared/idempotency.ts).
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ItemStatus, ItemSummary, ItemVersion, PublicItem } from '#schemas/api/catalog';
import { msg } from '#schemas/api/problems';
import type { ItemVersionChangedData } from '#schemas/events/catalog';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { extensionDaysOf } from '#shared/clock-rules';
import { alreadyExists, concurrentRequest, preconditionFailed, type HttpProblem } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import type { ServiceMode } from '#schemas/api/common';

const itemPk = (centerId: string, code: string) => `CENTER#${centerId}#ITEM#${code}`;
const versionSk = (version: number) => `V#${String(version).padStart(6, '0')}`;
/** Other domains read what a case was filed under (its item version) with this key; the version's settings are under `content`. */
export const itemVersionKey = (centerId: string, code: string, version: number): ItemKey => ({ PK: itemPk(centerId, code), SK: versionSk(version) });
const HEAD = 'HEAD';
/** Cases read an item's head (its published version) at intake with this key. */
export const itemHeadKey = (centerId: string, code: string): ItemKey => ({ PK: itemPk(centerId, code), SK: HEAD });
const adminListPk = (centerId: string) => `CENTER#${centerId}#ITEMS`;
const adminListSk = (v: { departmentId: string; status: ItemStatus; code: string; version: number }) =>
  `${v.departmentId}#${v.status}#${v.code}#${String(v.version).padStart(6, '0')}`;
const publishedPk = (centerId: string) => `CENTER#${centerId}#PUBLISHED`;
const LISTING = 'LISTING';

/** A stored version: the API shape plus what the store needs (center, revision). */
export interface StoredVersion extends ItemVersion {
  readonly centerId: string;
  readonly rev: number;
}

export interface StoredHead {
  readonly centerId: string;
  readonly code: string;
  readonly departmentId: string;
  readonly latestVersion: number;
  readonly publishedVersion?: number;
  readonly published?: ItemVersion;
  readonly retiredAt?: string;
  readonly rev: number;
}

/** The ETag of a version: changes with every write, so If-Match detects lost updates. */
export const versionTag = (v: Pick<StoredVersion, 'version' | 'rev'>) => `${v.version}.${v.rev}`;

export type CatalogEvent = EventDraft<ItemVersionChangedData>;

function toVersion(item: Item): StoredVersion {
  const { PK: _pk, SK: _sk, GSI2PK: _g1, GSI2SK: _g2, kind: _k, ...rest } = item;
  return rest as unknown as StoredVersion;
}

function toHead(item: Item): StoredHead {
  const { PK: _pk, SK: _sk, kind: _k, ...rest } = item;
  return rest as unknown as StoredHead;
}

export function publicVersion(v: StoredVersion): ItemVersion {
  const { centerId: _c, rev: _r, ...rest } = v;
  return rest;
}

export function publicItem(v: ItemVersion): PublicItem {
  return {
    code: v.code,
    version: v.version,
    status: v.status,
    content: v.content,
    publishedAt: v.publishedAt!,
    ...(v.retiredAt ? { retiredAt: v.retiredAt } : {}),
    extensionWorkingDays: extensionDaysOf(v.content.timeLimits.extensionWorkingDays, v.content.serviceMode === 'joint'),
  };
}

export function summaryOf(v: ItemVersion): ItemSummary {
  return {
    code: v.code,
    version: v.version,
    name: v.content.name,
    variant: v.content.variant,
    departmentId: v.content.departmentId,
    serviceMode: v.content.serviceMode,
    status: v.status,
    promisedWorkingDays: v.content.timeLimits.promisedWorkingDays,
    statutoryWorkingDays: v.content.timeLimits.statutoryWorkingDays,
  };
}

/** The public list's entry of an item: its published version's summary, on the list index while published. */
function listingItem(centerId: string, v: ItemVersion) {
  return {
    PK: itemPk(centerId, v.code),
    SK: LISTING,
    kind: 'itemListing',
    ...(v.status === 'published' ? { GSI1PK: publishedPk(centerId), GSI1SK: `${v.content.departmentId}#${v.code}` } : {}),
    ...summaryOf(v),
  };
}

function toSummary(item: Item): ItemSummary {
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, kind: _k, ...rest } = item;
  return rest as unknown as ItemSummary;
}

function versionItem(v: StoredVersion) {
  return {
    PK: itemPk(v.centerId, v.code),
    SK: versionSk(v.version),
    kind: 'itemVersion',
    GSI2PK: adminListPk(v.centerId),
    GSI2SK: adminListSk({ ...v, departmentId: v.content.departmentId }),
    ...v,
  };
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

const changedSinceRead = () => preconditionFailed(msg('事项在您读取后已被修改；请重新读取后再试。', 'The item changed since you read it; read it again and retry.'));

/**
 * One write with its outcome's record, if any. A write that lost to a
 * concurrent one answers `lost()`: 412 when the caller named a revision, 409
 * otherwise (the HTTP stack then answers from the record when the same key won).
 */
async function transact(items: TransactItems, idempotency: IdempotencyPut | undefined, lost: () => HttpProblem = changedSinceRead) {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: idempotency ? [...items, idempotency] : items }));
  } catch (err) {
    if (isConcurrentChange(err)) throw lost();
    throw err;
  }
}

/**
 * Reads that precede a write are strongly consistent (`forWrite`), so a caller
 * acting right after another change never sees a stale revision; public reads
 * can be eventually consistent.
 */
export async function getVersion(centerId: string, code: string, version: number, forWrite = false): Promise<StoredVersion | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: itemVersionKey(centerId, code, version), ConsistentRead: forWrite }));
  return out.Item ? toVersion(out.Item) : undefined;
}

export async function getHead(centerId: string, code: string): Promise<StoredHead | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: itemHeadKey(centerId, code) }));
  return out.Item ? toHead(out.Item) : undefined;
}

/**
 * What an administrator's operation acts on, in one strongly consistent batch
 * with the request's checks (`alsoRead`, settled from `found`): a version, the
 * item's head, or both.
 */
export async function adminContext(
  centerId: string,
  code: string,
  want: { readonly version?: number; readonly head?: boolean },
  alsoRead: readonly ItemKey[],
): Promise<{ version?: StoredVersion; head?: StoredHead; found: Map<string, Item> }> {
  const versionKey = want.version === undefined ? undefined : itemVersionKey(centerId, code, want.version);
  const found = await batchGetItems([...(versionKey ? [versionKey] : []), ...(want.head ? [itemHeadKey(centerId, code)] : []), ...alsoRead]);
  const v = versionKey && itemAt(found, versionKey);
  const head = want.head ? itemAt(found, itemHeadKey(centerId, code)) : undefined;
  return { ...(v ? { version: toVersion(v) } : {}), ...(head ? { head: toHead(head) } : {}), found };
}

/** Version 1 of a new item; the code must be new to the center. */
export async function createItem(v: StoredVersion, event: CatalogEvent, idempotency?: IdempotencyPut): Promise<void> {
  const pk = itemPk(v.centerId, v.code);
  const head: StoredHead = { centerId: v.centerId, code: v.code, departmentId: v.content.departmentId, latestVersion: 1, rev: 1 };
  await transact(
    [
      { Put: { TableName: tableName(), Item: { PK: pk, SK: HEAD, kind: 'itemHead', ...head }, ConditionExpression: 'attribute_not_exists(PK)' } },
      { Put: { TableName: tableName(), Item: versionItem(v) } },
      { Put: { TableName: tableName(), Item: outboxItem(pk, event).item } },
    ],
    idempotency,
    () => alreadyExists(msg(`事项 ${v.code} 已存在；如需修改，请为其新建版本。`, `Item ${v.code} already exists; start a new version of it instead.`)),
  );
}

/** The next version number is taken from the head under a condition, so two drafts never share one. */
export async function createNextVersion(head: StoredHead, v: StoredVersion, event: CatalogEvent, idempotency?: IdempotencyPut): Promise<void> {
  const pk = itemPk(v.centerId, v.code);
  await transact([
    {
      Update: {
        TableName: tableName(),
        Key: { PK: pk, SK: HEAD },
        UpdateExpression: 'SET latestVersion = :next, rev = rev + :one',
        ConditionExpression: 'latestVersion = :latest',
        ExpressionAttributeValues: { ':next': v.version, ':latest': head.latestVersion, ':one': 1 },
      },
    },
    { Put: { TableName: tableName(), Item: versionItem(v), ConditionExpression: 'attribute_not_exists(PK)' } },
    { Put: { TableName: tableName(), Item: outboxItem(pk, event).item } },
  ], idempotency, () => concurrentRequest(msg(`事项 ${v.code} 的另一个版本刚刚被新建；请重新读取事项。`, `Another version of ${v.code} was started at the same moment; read the item again.`)));
}

/**
 * Writes a new state of a version whose revision the caller read (`expectedRev`);
 * a concurrent writer makes the condition fail and the caller gets 412.
 */
function replaceVersion(next: StoredVersion, expectedRev: number) {
  return {
    Put: {
      TableName: tableName(),
      Item: versionItem(next),
      ConditionExpression: 'rev = :rev',
      ExpressionAttributeValues: { ':rev': expectedRev },
    },
  };
}

export async function saveVersion(next: StoredVersion, expectedRev: number, event: CatalogEvent, idempotency?: IdempotencyPut): Promise<void> {
  await transact([replaceVersion(next, expectedRev), { Put: { TableName: tableName(), Item: outboxItem(itemPk(next.centerId, next.code), event).item } }], idempotency);
}

/**
 * Publishing: the version becomes published, the one it replaces superseded,
 * and the head's public copy and the listing switch over, all in one transaction.
 */
export async function publishVersion(
  next: StoredVersion,
  expectedRev: number,
  head: StoredHead,
  event: CatalogEvent,
  idempotency?: IdempotencyPut,
): Promise<void> {
  const pk = itemPk(next.centerId, next.code);
  const published = publicVersion(next);
  const superseded = head.published;
  await transact([
    replaceVersion(next, expectedRev),
    ...(superseded
      ? [
          {
            Update: {
              TableName: tableName(),
              Key: { PK: pk, SK: versionSk(superseded.version) },
              UpdateExpression: 'SET #status = :superseded, GSI2SK = :sk, rev = rev + :one',
              ConditionExpression: '#status = :published',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':superseded': 'superseded',
                ':published': 'published',
                ':sk': adminListSk({ ...superseded, departmentId: superseded.content.departmentId, status: 'superseded' }),
                ':one': 1,
              },
            },
          },
        ]
      : []),
    {
      Update: {
        TableName: tableName(),
        Key: { PK: pk, SK: HEAD },
        UpdateExpression: 'SET publishedVersion = :v, published = :p, departmentId = :d, rev = rev + :one REMOVE retiredAt',
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':v': next.version, ':p': published, ':d': next.content.departmentId, ':rev': head.rev, ':one': 1 },
      },
    },
    { Put: { TableName: tableName(), Item: listingItem(next.centerId, published) } },
    { Put: { TableName: tableName(), Item: outboxItem(pk, event).item } },
  ], idempotency);
}

/** Retiring takes the item off the public catalog (its listing off the list index); its versions stay for the record. */
export async function retireItem(next: StoredVersion, expectedRev: number, head: StoredHead, event: CatalogEvent, idempotency?: IdempotencyPut): Promise<void> {
  const pk = itemPk(next.centerId, next.code);
  await transact([
    replaceVersion(next, expectedRev),
    {
      Update: {
        TableName: tableName(),
        Key: { PK: pk, SK: HEAD },
        UpdateExpression: 'SET retiredAt = :at, rev = rev + :one REMOVE publishedVersion, published',
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':at': next.retiredAt, ':rev': head.rev, ':one': 1 },
      },
    },
    { Put: { TableName: tableName(), Item: listingItem(next.centerId, publicVersion(next)) } },
    { Put: { TableName: tableName(), Item: outboxItem(pk, event).item } },
  ], idempotency);
}

export interface Page<T> {
  readonly items: T[];
  readonly lastKey?: Record<string, unknown>;
}

async function query<T>(input: Omit<QueryCommandInput, 'TableName'>, map: (i: Record<string, unknown>) => T): Promise<Page<T>> {
  const out = await db.send(new QueryCommand({ TableName: tableName(), ...input }));
  return { items: (out.Items ?? []).map(map), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/** The public catalog of a center, optionally one department's, optionally one service mode. */
export function listPublished(
  centerId: string,
  filter: { departmentId?: string; serviceMode?: ServiceMode },
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<Page<ItemSummary>> {
  const values: Record<string, unknown> = { ':pk': publishedPk(centerId) };
  let keyCondition = 'GSI1PK = :pk';
  if (filter.departmentId) {
    keyCondition += ' AND begins_with(GSI1SK, :dept)';
    values[':dept'] = `${filter.departmentId}#`;
  }
  if (filter.serviceMode) values[':mode'] = filter.serviceMode;
  return query(
    {
      IndexName: 'GSI1',
      KeyConditionExpression: keyCondition,
      ...(filter.serviceMode ? { FilterExpression: 'serviceMode = :mode' } : {}),
      ExpressionAttributeValues: values,
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    },
    toSummary,
  );
}

/** Every item on a center's public list (optionally one department's), in the list's order: what a keyword search filters. */
export async function allPublished(centerId: string, departmentId?: string): Promise<ItemSummary[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: departmentId ? 'GSI1PK = :pk AND begins_with(GSI1SK, :dept)' : 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': publishedPk(centerId), ...(departmentId ? { ':dept': `${departmentId}#` } : {}) },
  });
  return items.map(toSummary);
}

/** Versions of a center's items for administrators, by department and status. */
export function listVersions(
  centerId: string,
  filter: { departmentId?: string; status?: ItemStatus },
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<Page<ItemSummary>> {
  const values: Record<string, unknown> = { ':pk': adminListPk(centerId) };
  let keyCondition = 'GSI2PK = :pk';
  let filterExpression: string | undefined;
  if (filter.departmentId) {
    keyCondition += ' AND begins_with(GSI2SK, :prefix)';
    values[':prefix'] = filter.status ? `${filter.departmentId}#${filter.status}#` : `${filter.departmentId}#`;
  } else if (filter.status) {
    filterExpression = '#status = :status';
    values[':status'] = filter.status;
  }
  return query(
    {
      IndexName: 'GSI2',
      KeyConditionExpression: keyCondition,
      ...(filterExpression ? { FilterExpression: filterExpression, ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ExpressionAttributeValues: values,
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    },
    (i) => summaryOf(toVersion(i)),
  );
}
