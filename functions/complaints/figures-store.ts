/**
 * Keys of the monthly complaint figures, and the only module that knows them:
 *
 *   figures   PK CENTER#<c>#COMPLAINT#FIGURES#<yyyy-mm>        SK ALL | CAT#<category> | DEPT#<departmentId>
 *   findings  PK CENTER#<c>#COMPLAINT#SUBSTANTIATED#<yyyy-mm>  SK DEPT#<d> | WINDOW#<w> | STAFF#<username>  (found substantiated that month: the appraisal's)
 *
 * Counters only (ADD in the complaint's own transaction: a lost race writes
 * neither); the month is the one the complaint was filed in.
 */
import { queryAll, tableName, type Item } from '#shared/db';
import { figureCounters, type Counts, type FigureChange } from './figures.ts';

const figuresPk = (centerId: string, month: string) => `CENTER#${centerId}#COMPLAINT#FIGURES#${month}`;

const substantiatedPk = (centerId: string, month: string) => `CENTER#${centerId}#COMPLAINT#SUBSTANTIATED#${month}`;

/** The Updates of a change, for the complaint's transaction. */
export function figureUpdates(centerId: string, change: FigureChange | undefined) {
  if (!change) return [];
  const counters = Object.entries(change.add);
  const findings = (change.substantiated?.rows ?? []).map((row) => ({
    Update: {
      TableName: tableName(),
      Key: { PK: substantiatedPk(centerId, change.substantiated!.month), SK: row },
      UpdateExpression: 'SET #kind = :kind ADD #n :one',
      ExpressionAttributeNames: { '#kind': 'kind', '#n': 'substantiated' },
      ExpressionAttributeValues: { ':kind': 'complaintFindings', ':one': 1 },
    },
  }));
  return [...findings, ...change.rows.map((row) => ({
    Update: {
      TableName: tableName(),
      Key: { PK: figuresPk(centerId, change.month), SK: row },
      UpdateExpression: `SET #kind = :kind ADD ${counters.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: { '#kind': 'kind', ...Object.fromEntries(counters.map(([name], i) => [`#c${i}`, name])) },
      ExpressionAttributeValues: { ':kind': 'complaintFigures', ...Object.fromEntries(counters.map(([, n], i) => [`:c${i}`, n])) },
    },
  }))];
}

/** The month's findings by row (`DEPT#`, `WINDOW#`, `STAFF#`): one Query. */
export async function monthFindings(centerId: string, month: string): Promise<{ row: string; substantiated: number }[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': substantiatedPk(centerId, month) } });
  return items.map((i) => ({ row: String(i.SK), substantiated: Number(i.substantiated) }));
}

/** A month's rows (one Query), by sort key. */
export async function monthFigures(centerId: string, month: string): Promise<Map<string, Counts>> {
  const items: Item[] = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': figuresPk(centerId, month) } });
  return new Map(items.map((i) => [String(i.SK), Object.fromEntries(figureCounters.flatMap((k) => (typeof i[k] === 'number' ? [[k, i[k] as number]] : []))) as Counts]));
}
