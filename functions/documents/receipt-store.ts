/**
 * Keys of the electronic receipts (电子票据), and the only module that knows them:
 *
 *   receipt   PK RECEIPT#<receiptNo>   SK RECEIPT   (the public check's one read; written with its document)
 *
 * A receipt is never changed: what was refunded since is read from the
 * charge's ledger when it is checked.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName, type ItemKey } from '#shared/db';

export interface StoredReceipt {
  readonly receiptNo: string;
  readonly checkCode: string;
  readonly centerId: string;
  readonly caseNo: string;
  readonly chargeId: string;
  readonly documentId: string;
  readonly transactionId: string;
  readonly amountFen: number;
  readonly paidOn: string;
  readonly itemName: string;
  readonly departmentName: string;
  readonly centerName: string;
}

const receiptKey = (receiptNo: string): ItemKey => ({ PK: `RECEIPT#${receiptNo}`, SK: 'RECEIPT' });

/** The receipt's Put, for its document's transaction: once per number. */
export const receiptPut = (r: StoredReceipt) => ({
  Put: { TableName: tableName(), Item: { ...receiptKey(r.receiptNo), kind: 'receipt', ...r }, ConditionExpression: 'attribute_not_exists(PK)' },
});

export async function getReceipt(receiptNo: string): Promise<StoredReceipt | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: receiptKey(receiptNo) }));
  if (!out.Item) return undefined;
  const { PK: _p, SK: _s, kind: _k, ...receipt } = out.Item;
  return receipt as StoredReceipt;
}
