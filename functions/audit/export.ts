/**
 * Export formats of the audit log (pure). NDJSON carries each record exactly
 * as stored — the verifier recomputes its hash from the line — after a header
 * line naming the center and days it covers. CSV (RFC 4180) is for reading in
 * a spreadsheet: one row per record, nested values as JSON text.
 */
import type { AuditRecord, ExportHeader } from '#schemas/api/audit';

export const EXPORT_FORMAT = 'onestop-audit-export/1' as const;

export const mediaTypes = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8; header=present' } as const;

export const ndjsonLine = (value: ExportHeader | AuditRecord) => `${JSON.stringify(value)}\n`;

export const csvColumns = [
  'eventId', 'centerId', 'chain', 'seq', 'occurredAt', 'recordedAt', 'source', 'action', 'result',
  'actorId', 'actorRole', 'actorDepartmentId', 'subjectType', 'subjectId', 'oldValue', 'newValue', 'data', 'prevHash', 'hash',
] as const;

const cell = (value: unknown): string => {
  const text = value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvHeader = () => `${csvColumns.join(',')}\r\n`;

export function csvRow(r: AuditRecord): string {
  const values: Record<(typeof csvColumns)[number], unknown> = {
    eventId: r.eventId, centerId: r.centerId, chain: r.chain, seq: r.seq, occurredAt: r.occurredAt, recordedAt: r.recordedAt,
    source: r.source, action: r.action, result: r.result, actorId: r.actor.id, actorRole: r.actor.role, actorDepartmentId: r.actor.departmentId,
    subjectType: r.subject.type, subjectId: r.subject.id, oldValue: r.oldValue, newValue: r.newValue, data: r.data, prevHash: r.prevHash, hash: r.hash,
  };
  return `${csvColumns.map((c) => cell(values[c])).join(',')}\r\n`;
}

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, CRLF or LF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cellText = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cellText += '"'; i++; } else if (ch === '"') quoted = false;
      else cellText += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cellText); cellText = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cellText);
      rows.push(row);
      row = [];
      cellText = '';
    } else cellText += ch;
  }
  if (cellText !== '' || row.length) { row.push(cellText); rows.push(row); }
  return rows;
}
