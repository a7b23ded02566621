/**
 * PutEvents entries: the per-entry validation EventBridge applies, and the
 * `$.a.b` paths of InputPath (shared with the pipe). Split from bus.ts.
 */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string | Date | number;
}

export function validate(e: PutEventsEntry): string | undefined {
  if (!e.Source) return 'Parameter Source is not valid. Reason: Source is a required argument.';
  if (!e.DetailType) return 'Parameter DetailType is not valid. Reason: DetailType is a required argument.';
  if (e.Detail === undefined) return 'Parameter Detail is not valid. Reason: Detail is a required argument.';
  try {
    const d = JSON.parse(e.Detail) as unknown;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return 'Parameter Detail is not valid. Reason: Detail must be a JSON object.';
  } catch {
    return 'Parameter Detail is not valid. Reason: Detail is not valid JSON.';
  }
  const size = Buffer.byteLength(JSON.stringify(e));
  if (size > 256 * 1024) return `Entry size ${size} exceeds the 256 KB limit.`;
  return undefined;
}

/** `$.a.b` on the event (InputPath). */
export function jsonPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$.')) throw new Error(`unsupported JSON path ${path}`);
  let cur: unknown = value;
  for (const key of path.slice(2).split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
