/**
 * Keys of the org domain (centers, departments, windows). Only the directory
 * writes the demo seed needs exist yet; the org API comes with its own issue.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CenterDirectory {
  readonly centerId: string;
  readonly name: string;
  readonly timeZone: string;
  readonly departments: readonly { departmentId: string; name: string; chiefRepresentative: string }[];
  readonly windows: readonly { windowId: string; name: string; departmentIds: readonly string[] }[];
}

export const centerKey = (centerId: string) => ({ PK: `CENTER#${centerId}`, SK: 'PROFILE' });
export const departmentKey = (centerId: string, departmentId: string) => ({ PK: `CENTER#${centerId}`, SK: `DEPT#${departmentId}` });
export const windowKey = (centerId: string, windowId: string) => ({ PK: `CENTER#${centerId}`, SK: `WINDOW#${windowId}` });

/** Writes a center with its departments and windows (idempotent: same keys, same content). */
export async function putCenterDirectory(db: DynamoDBDocumentClient, tableName: string, dir: CenterDirectory): Promise<void> {
  const items = [
    { ...centerKey(dir.centerId), kind: 'center', centerId: dir.centerId, name: dir.name, timeZone: dir.timeZone },
    ...dir.departments.map((d) => ({ ...departmentKey(dir.centerId, d.departmentId), kind: 'department', centerId: dir.centerId, ...d })),
    ...dir.windows.map((w) => ({ ...windowKey(dir.centerId, w.windowId), kind: 'window', centerId: dir.centerId, ...w })),
  ];
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
      [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    // BatchWrite may hand back unprocessed items under load; retry them until none are left.
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
      const out = await db.send(new BatchWriteCommand({ RequestItems: request }));
      request = out.UnprocessedItems as typeof request;
    }
  }
}
