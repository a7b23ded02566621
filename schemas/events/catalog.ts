/**
 * Events of the catalog domain (source `onestop.catalog`), one schema per
 * detail-type. Every publishing-workflow step of an item version emits one.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { ItemStatus } from '../api/catalog.ts';
import { envelope } from './envelope.ts';
import { DepartmentId, ItemCode } from '../api/common.ts';

export const ItemVersionChangedData = Type.Object(
  {
    code: ItemCode,
    version: Type.Integer({ minimum: 1 }),
    departmentId: DepartmentId,
    name: Type.String(),
    fromStatus: Type.Optional(ItemStatus),
    toStatus: ItemStatus,
    reason: Type.Optional(Type.String()),
    supersededVersion: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type ItemVersionChangedData = Static<typeof ItemVersionChangedData>;

export const catalogEventTypes = [
  'ItemDraftCreated',
  'ItemDraftUpdated',
  'ItemSubmitted',
  'ItemApproved',
  'ItemRejected',
  'ItemPublished',
  'ItemRetired',
] as const;
export type CatalogEventType = (typeof catalogEventTypes)[number];

/** One schema per detail-type; they share a data shape today but are versioned apart. */
export const catalogEventSchemas = Object.fromEntries(
  catalogEventTypes.map((t) => [t, envelope(ItemVersionChangedData)]),
) as Record<CatalogEventType, ReturnType<typeof envelope<typeof ItemVersionChangedData>>>;
