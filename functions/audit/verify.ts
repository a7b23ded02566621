/**
 * The offline verifier of an audit export against the daily digests (pure:
 * no I/O; verify-cli.ts reads the files). It recomputes everything:
 *
 *  - each record's hash from its content           → edited
 *  - each chain's positions, in file order          → reordered; a position held twice → inserted
 *  - each record's link to the one before it        → deleted (a gap), rewritten or replaced (a broken link)
 *  - each digest's signature and its link to the previous digest → digest signature invalid, digest chain broken
 *  - each digest's heads against the records of its day → deleted (sealed positions missing),
 *    rewritten (a sealed head with another hash), inserted (a record the digest should hold but does not)
 *
 * and names every record it faults by eventId, chain, position and line.
 *
 * Links alone cannot show that the newest records of a chain, or a whole chain,
 * are missing: only a digest that recorded the chain's head can. So the report
 * separates what the digests seal from what they do not (yet): records past the
 * last position a digest sealed in their chain, and the stretches of the
 * export's days no digest covers, are unsealed — consistent, but not proven
 * complete — and the verdict says so instead of claiming VERIFIED.
 */
import type { AuditDigest, AuditRecord, ExportHeader } from '#schemas/api/audit';
import { centerChainDay, centerDay, dayStart, GENESIS_HASH, nextDay, recordHash } from './chain.ts';
import { digestSha256, DIGEST_FORMAT, signedBytes } from './digest.ts';
import { EXPORT_FORMAT } from './export.ts';
import { keyFingerprint, verifySignature } from './signer.ts';

export type ProblemKind =
  | 'malformed'
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'broken_link'
  | 'digest_signature'
  | 'digest_chain'
  | 'digest_mismatch';

export interface Problem {
  readonly kind: ProblemKind;
  readonly message: string;
  readonly eventId?: string;
  readonly chain?: string;
  readonly seq?: number;
  readonly line?: number;
}

export interface LineRecord {
  readonly record: AuditRecord;
  readonly line: number;
}

export interface ParsedExport {
  readonly header?: ExportHeader;
  readonly records: readonly LineRecord[];
  readonly problems: readonly Problem[];
}

export interface DigestFile {
  readonly digest: AuditDigest;
  readonly file: string;
}

/** A chain's records past the last position a supplied digest sealed (all of them when no digest names the chain). */
export interface UnsealedChain {
  readonly chain: string;
  readonly records: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** recordedAt of its first and last unsealed record. */
  readonly from: string;
  readonly to: string;
  /** The last position a digest sealed, when one names the chain. */
  readonly sealedSeq?: number;
}

/** [from, to): a stretch of recording time. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

/**
 * verified: nothing tampered with, and every record and every instant the export covers is sealed;
 * unsealed: nothing tampered with among the sealed records, but some records or instants are not sealed;
 * tampered: at least one problem.
 */
export type Verdict = 'verified' | 'unsealed' | 'tampered';

export interface Report {
  /** The verdict is `verified`: nothing less proves the export complete. */
  readonly ok: boolean;
  readonly verdict: Verdict;
  readonly problems: readonly Problem[];
  readonly notes: readonly string[];
  readonly summary: string;
  readonly sealedRecords: number;
  /** The newest instant a supplied digest of the center seals up to (its sealedBefore); null without one. */
  readonly lastSealedAt: string | null;
  readonly unsealedRecords: number;
  readonly unsealedChains: readonly UnsealedChain[];
  /** Stretches of the export's days no supplied digest seals: a record recorded then may be gone without a trace. */
  readonly unsealedPeriods: readonly Period[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const short = (hash: string) => `${hash.slice(0, 12)}…`;
const who = (r: LineRecord) => `record ${r.record.eventId} (chain ${r.record.chain}, position ${r.record.seq}, line ${r.line})`;
const span = (a: number, b: number) => (a === b ? `position ${a}` : `positions ${a}–${b}`);
const at = (r: LineRecord) => ({ eventId: r.record.eventId, chain: r.record.chain, seq: r.record.seq, line: r.line });

/** Splits an NDJSON export into its header and records; lines that are not records are problems. */
export function parseExport(text: string): ParsedExport {
  const records: LineRecord[] = [];
  const problems: Problem[] = [];
  let header: ExportHeader | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      problems.push({ kind: 'malformed', line, message: `line ${line} is not JSON` });
      return;
    }
    if (value && value.format === EXPORT_FORMAT) {
      if (header || records.length) problems.push({ kind: 'malformed', line, message: `line ${line}: an export header inside the export` });
      else header = value as unknown as ExportHeader;
      return;
    }
    const r = value as Partial<AuditRecord>;
    const ok = typeof r.eventId === 'string' && typeof r.centerId === 'string' && typeof r.chain === 'string' && Number.isInteger(r.seq) && (r.seq as number) >= 1 &&
      typeof r.hash === 'string' && HEX64.test(r.hash) && typeof r.prevHash === 'string' && HEX64.test(r.prevHash) &&
      typeof r.recordedAt === 'string' && !Number.isNaN(Date.parse(r.recordedAt));
    if (!ok) {
      problems.push({ kind: 'malformed', line, ...(typeof r.eventId === 'string' ? { eventId: r.eventId } : {}), message: `line ${line} is not an audit record (eventId, centerId, chain, seq, prevHash, hash, recordedAt)` });
      return;
    }
    records.push({ record: r as AuditRecord, line });
  });
  return { ...(header ? { header } : {}), records, problems };
}

/** A digest file's JSON, checked for the fields the verifier reads. */
export function parseDigest(text: string, file: string): DigestFile | Problem {
  let d: AuditDigest;
  try {
    d = JSON.parse(text) as AuditDigest;
  } catch {
    return { kind: 'malformed', message: `digest file ${file} is not JSON` };
  }
  const ok = d && d.format === DIGEST_FORMAT && typeof d.centerId === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d.date ?? '') && Array.isArray(d.chains) &&
    typeof d.signature === 'string' && typeof d.sealedBefore === 'string' && !Number.isNaN(Date.parse(d.sealedBefore)) && d.signing && typeof d.signing.keyId === 'string' &&
    d.chains.every((c) => typeof c.chain === 'string' && Number.isInteger(c.firstSeq) && Number.isInteger(c.lastSeq) && typeof c.lastHash === 'string');
  return ok ? { digest: d, file } : { kind: 'malformed', message: `digest file ${file} is not an OneStop audit digest (${DIGEST_FORMAT})` };
}

const digestName = (d: DigestFile) => `digest ${d.digest.centerId}/${d.digest.date} (${d.file})`;

/** Checks an export against digests; `publicKeyPem` pins the key the digests must be signed with. */
export function verifyAudit(input: { export: ParsedExport; digests: readonly DigestFile[]; publicKeyPem?: string }): Report {
  const problems: Problem[] = [...input.export.problems];
  const notes: string[] = [];
  const records = input.export.records;
  const header = input.export.header;

  // The center and days the export covers: its header, else what its records show.
  const days = records.map((r) => centerDay(r.record.recordedAt)).sort();
  const centerId = header?.centerId ?? mostCommon(records.map((r) => r.record.centerId)) ?? input.digests[0]?.digest.centerId ?? '';
  const from = header?.from ?? days[0] ?? '';
  const to = header?.to ?? days[days.length - 1] ?? '';
  if (!header) notes.push(`the export has no header line: taking center ${centerId} and days ${from}..${to} from its records`);
  for (const r of records) {
    if (r.record.centerId !== centerId) problems.push({ kind: 'inserted', ...at(r), message: `${who(r)} belongs to center ${r.record.centerId}, not to the exported center ${centerId}: inserted` });
    else {
      const day = centerDay(r.record.recordedAt);
      if (header && (day < from || day > to)) problems.push({ kind: 'inserted', ...at(r), message: `${who(r)} was recorded on ${day}, outside the export's days ${from}..${to}: inserted` });
    }
  }

  // 1. Each record's own hash.
  const edited = new Set<LineRecord>();
  for (const r of records) {
    const actual = recordHash(r.record);
    if (actual !== r.record.hash) {
      edited.add(r);
      problems.push({ kind: 'edited', ...at(r), message: `${who(r)} was edited: its content hashes to ${short(actual)}, not to its recorded hash ${short(r.record.hash)}` });
    }
  }

  // 2. Digests: signatures first, since only a digest with a valid signature is believed.
  const valid: DigestFile[] = [];
  const pinned = input.publicKeyPem;
  const pinnedPrint = pinned ? safeFingerprint(pinned) : undefined;
  const embedded = new Set<string>();
  for (const d of input.digests) {
    const key = pinned ?? d.digest.signing.publicKey;
    if (!key) {
      problems.push({ kind: 'digest_signature', message: `${digestName(d)}: cannot check its signature: it names KMS key ${d.digest.signing.keyId} and no public key was given (--public-key)` });
      continue;
    }
    if (pinned && d.digest.signing.publicKey && safeFingerprint(d.digest.signing.publicKey) !== pinnedPrint) {
      problems.push({ kind: 'digest_signature', message: `${digestName(d)} names another key (${safeFingerprint(d.digest.signing.publicKey)}) than the pinned one (${pinnedPrint})` });
    }
    if (!verifySignature(signedBytes(d.digest), Buffer.from(d.digest.signature, 'base64'), key)) {
      problems.push({ kind: 'digest_signature', message: `${digestName(d)}: signature invalid — the digest was altered after it was signed, or signed by another key` });
      continue;
    }
    if (!pinned) embedded.add(safeFingerprint(key) ?? 'unreadable key');
    valid.push(d);
  }
  if (embedded.size) notes.push(`digest signatures checked with the public key embedded in the digests (${[...embedded].join(', ')}); pin it with --public-key to prove who signed`);
  else if (pinned && input.digests.length) notes.push(`digest signatures checked with the pinned key ${pinnedPrint}`);

  // The digest chain of each center, by date.
  const byCenter = new Map<string, DigestFile[]>();
  for (const d of input.digests) byCenter.set(d.digest.centerId, [...(byCenter.get(d.digest.centerId) ?? []), d]);
  for (const [center, list] of byCenter) {
    list.sort((a, b) => (a.digest.date < b.digest.date ? -1 : a.digest.date > b.digest.date ? 1 : 0));
    const first = list[0]!;
    if (first.digest.previous) notes.push(`digest ${center}/${first.digest.date} chains to the digest of ${first.digest.previous.date}, which was not supplied`);
    for (let i = 1; i < list.length; i++) {
      const p = list[i - 1]!;
      const d = list[i]!;
      const prev = d.digest.previous;
      if (p.digest.date === d.digest.date) {
        problems.push({ kind: 'digest_chain', message: `digest chain broken: two digests of ${center}/${d.digest.date} (${p.file}, ${d.file})` });
      } else if (!prev) {
        problems.push({ kind: 'digest_chain', message: `digest chain broken: ${digestName(d)} claims to be the center's first digest, but ${digestName(p)} precedes it` });
      } else if (prev.date > p.digest.date) {
        problems.push({ kind: 'digest_chain', message: `digest chain broken: ${digestName(d)} chains to the digest of ${prev.date}, which is missing (deleted)` });
      } else if (prev.date < p.digest.date) {
        problems.push({ kind: 'digest_chain', message: `digest chain broken: ${digestName(d)} chains to the digest of ${prev.date}, so ${digestName(p)} is not part of the chain (inserted)` });
      } else if (prev.sha256 !== digestSha256(p.digest)) {
        problems.push({ kind: 'digest_chain', message: `digest chain broken: ${digestName(d)} chains to ${p.digest.date} with sha256 ${short(prev.sha256)}, but that digest hashes to ${short(digestSha256(p.digest))}: it was altered or replaced` });
      }
    }
  }

  // Heads the digests sealed: chain → position → hash (the anchors of chains that start before the export).
  const sealed = new Map<string, Map<number, { hash: string; digest: DigestFile }>>();
  for (const d of valid) {
    if (d.digest.centerId !== centerId) continue;
    for (const c of d.digest.chains) {
      if (!sealed.has(c.chain)) sealed.set(c.chain, new Map());
      sealed.get(c.chain)!.set(c.lastSeq, { hash: c.lastHash, digest: d });
    }
  }

  // 3. Each chain: order, positions, links.
  const chains = new Map<string, LineRecord[]>();
  for (const r of records) if (r.record.centerId === centerId) chains.set(r.record.chain, [...(chains.get(r.record.chain) ?? []), r]);
  const missing = new Map<string, Set<number>>();
  const kept = new Map<string, Map<number, LineRecord>>();
  for (const [chain, inFile] of chains) {
    let highest: LineRecord | undefined;
    for (const r of inFile) {
      if (highest && r.record.seq < highest.record.seq) {
        problems.push({ kind: 'reordered', ...at(r), message: `${who(r)} is out of order: it comes after position ${highest.record.seq} (line ${highest.line}): reordered` });
      }
      if (!highest || r.record.seq > highest.record.seq) highest = r;
    }
    const sorted = [...inFile].sort((a, b) => a.record.seq - b.record.seq);
    // A position held twice: the record the chain links through stays, the other was inserted.
    const bySeq = new Map<number, LineRecord[]>();
    for (const r of sorted) bySeq.set(r.record.seq, [...(bySeq.get(r.record.seq) ?? []), r]);
    const positions = new Map<number, LineRecord>();
    for (const [seq, holders] of bySeq) {
      if (holders.length === 1) {
        positions.set(seq, holders[0]!);
        continue;
      }
      const score = (r: LineRecord) =>
        (edited.has(r) ? -10 : 0) +
        ((bySeq.get(seq + 1) ?? []).some((n) => n.record.prevHash === r.record.hash) ? 4 : 0) +
        (sealed.get(chain)?.get(seq)?.hash === r.record.hash ? 4 : 0) +
        ((bySeq.get(seq - 1) ?? []).some((p) => p.record.hash === r.record.prevHash) || (seq === 1 && r.record.prevHash === GENESIS_HASH) ? 1 : 0);
      const genuine = holders.reduce((best, r) => (score(r) > score(best) ? r : best));
      positions.set(seq, genuine);
      for (const r of holders) {
        if (r !== genuine) problems.push({ kind: 'inserted', ...at(r), message: `${who(r)} was inserted: position ${seq} of chain ${chain} is held by record ${genuine.record.eventId} (line ${genuine.line})` });
      }
    }
    const chainDay = centerChainDay(chain);
    if (chainDay !== undefined) {
      for (const r of positions.values()) {
        const day = centerDay(r.record.recordedAt);
        if (day !== chainDay) problems.push({ kind: 'inserted', ...at(r), message: `${who(r)} was recorded on ${day}, but its chain holds the records of ${chainDay}: inserted` });
      }
    }
    kept.set(chain, positions);
    const chainMissing = new Set<number>();
    missing.set(chain, chainMissing);
    const ordered = [...positions.values()].sort((a, b) => a.record.seq - b.record.seq);
    const head = ordered[0]!;
    if (head.record.seq === 1) {
      if (head.record.prevHash !== GENESIS_HASH) problems.push({ kind: 'broken_link', ...at(head), message: `${who(head)} is the chain's first record but does not start from the genesis hash: replaced or forged` });
    } else if (chainDay !== undefined) {
      for (let s = 1; s < head.record.seq; s++) chainMissing.add(s);
      problems.push({ kind: 'deleted', ...at(head), message: `chain ${chain}: ${span(1, head.record.seq - 1)} missing before ${who(head)}: deleted` });
    } else {
      const anchor = sealed.get(chain)?.get(head.record.seq - 1);
      if (!anchor) notes.push(`chain ${chain} starts at position ${head.record.seq} in this export; earlier positions lie outside it and no supplied digest seals position ${head.record.seq - 1}`);
      else if (anchor.hash !== head.record.prevHash) {
        problems.push({ kind: 'broken_link', ...at(head), message: `${who(head)} does not chain to position ${head.record.seq - 1} as ${digestName(anchor.digest)} sealed it (${short(anchor.hash)}): replaced or forged` });
      }
    }
    for (let i = 1; i < ordered.length; i++) {
      const a = ordered[i - 1]!;
      const b = ordered[i]!;
      if (b.record.seq > a.record.seq + 1) {
        for (let s = a.record.seq + 1; s < b.record.seq; s++) chainMissing.add(s);
        problems.push({ kind: 'deleted', ...at(b), message: `chain ${chain}: ${span(a.record.seq + 1, b.record.seq - 1)} missing between record ${a.record.eventId} (line ${a.line}) and record ${b.record.eventId} (line ${b.line}): deleted` });
      } else if (Date.parse(b.record.recordedAt) < Date.parse(a.record.recordedAt)) {
        // The log never records a chain's next position earlier than the one before it.
        problems.push({ kind: 'inserted', ...at(b), message: `${who(b)} claims to be recorded at ${b.record.recordedAt}, before position ${a.record.seq} (${a.record.recordedAt}): a chain never goes back in time: forged and inserted` });
      } else if (b.record.prevHash !== a.record.hash) {
        problems.push({
          kind: 'broken_link', ...at(b),
          message: `${who(b)} does not chain to position ${a.record.seq} (record ${a.record.eventId}, line ${a.line}): its prevHash is ${short(b.record.prevHash)}, that record's hash ${short(a.record.hash)} — one of them was rewritten (edited and re-hashed) or replaced`,
        });
      }
    }
  }

  // 4. The digests of the exported days against the records of those days.
  for (const d of valid) {
    const g = d.digest;
    if (g.centerId !== centerId || g.date < from || g.date > to) {
      notes.push(`${digestName(d)} lies outside the export (${centerId}, ${from}..${to}): used to anchor chains only`);
      continue;
    }
    const sealedBefore = Date.parse(g.sealedBefore);
    const entries = new Map(g.chains.map((c) => [c.chain, c]));
    for (const c of g.chains) {
      const positions = kept.get(c.chain) ?? new Map<number, LineRecord>();
      const gone: number[] = [];
      for (let s = c.firstSeq; s <= c.lastSeq; s++) if (!positions.has(s) && !missing.get(c.chain)?.has(s)) gone.push(s);
      for (const [a, b] of runs(gone)) {
        problems.push({ kind: 'deleted', chain: c.chain, seq: a, message: `${digestName(d)} seals chain ${c.chain} ${span(c.firstSeq, c.lastSeq)}; ${span(a, b)} missing from the export: deleted` });
      }
      const last = positions.get(c.lastSeq);
      if (last && last.record.hash !== c.lastHash) {
        problems.push({ kind: 'digest_mismatch', ...at(last), message: `${who(last)} has hash ${short(last.record.hash)} but ${digestName(d)} sealed ${short(c.lastHash)} for that position: the chain was rewritten after it was sealed` });
      }
    }
    for (const [chain, positions] of kept) {
      for (const r of positions.values()) {
        if (centerDay(r.record.recordedAt) !== g.date || Date.parse(r.record.recordedAt) >= sealedBefore) continue;
        const entry = entries.get(chain);
        if (!entry) problems.push({ kind: 'inserted', ...at(r), message: `${who(r)} was recorded on ${g.date} before ${digestName(d)} sealed the day, but the digest has no chain ${chain}: inserted` });
        else if (r.record.seq > entry.lastSeq || r.record.seq < entry.firstSeq) {
          problems.push({ kind: 'inserted', ...at(r), message: `${who(r)} lies outside the ${span(entry.firstSeq, entry.lastSeq)} that ${digestName(d)} sealed for ${g.date}: inserted` });
        }
      }
    }
  }

  // 5. What the digests seal, and what they cannot vouch for yet.
  const ours = valid.filter((d) => d.digest.centerId === centerId);
  const { sealedRecords, unsealedChains } = sealing(kept, sealed);
  const exportedAt = Date.parse(header?.exportedAt ?? '');
  const periods = unsealedPeriods(from, to, Number.isNaN(exportedAt) ? undefined : exportedAt, ours);
  const lastSealedAt = ours.length ? new Date(Math.max(...ours.map((d) => Date.parse(d.digest.sealedBefore)))).toISOString() : null;
  const unsealedRecords = unsealedChains.reduce((n, c) => n + c.records, 0);
  const verdict: Verdict = problems.length ? 'tampered' : unsealedRecords || periods.length ? 'unsealed' : 'verified';

  const summary = `${records.length} records in ${chains.size} chains (${centerId}, ${from}..${to}), ${input.digests.length} digest(s): ` +
    verdictText({ verdict, problems: problems.length, sealedRecords, lastSealedAt, unsealedRecords, unsealedChains, periods });
  return { ok: verdict === 'verified', verdict, problems, notes, summary, sealedRecords, lastSealedAt, unsealedRecords, unsealedChains, unsealedPeriods: periods };
}

/**
 * Splits each chain's records at the last position any supplied digest sealed
 * in it: the links prove everything up to a sealed head, nothing proves that
 * no record followed it.
 */
function sealing(kept: ReadonlyMap<string, ReadonlyMap<number, LineRecord>>, sealedHeads: ReadonlyMap<string, ReadonlyMap<number, unknown>>) {
  let sealedRecords = 0;
  const unsealedChains: UnsealedChain[] = [];
  for (const [chain, positions] of [...kept].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const heads = sealedHeads.get(chain);
    const head = heads ? Math.max(...heads.keys()) : undefined;
    const tail = [...positions.values()].filter((r) => r.record.seq > (head ?? 0)).sort((a, b) => a.record.seq - b.record.seq);
    sealedRecords += positions.size - tail.length;
    if (!tail.length) continue;
    const first = tail[0]!.record;
    const last = tail[tail.length - 1]!.record;
    unsealedChains.push({ chain, records: tail.length, firstSeq: first.seq, lastSeq: last.seq, from: first.recordedAt, to: last.recordedAt, ...(head ? { sealedSeq: head } : {}) });
  }
  return { sealedRecords, unsealedChains };
}

/**
 * The stretches of the export's days (up to when it was exported) that no
 * supplied digest seals: each day from its digest's sealedBefore, or from its
 * start when it has none, to its end. A chain begun or continued then could
 * have been cut off without a trace.
 */
function unsealedPeriods(from: string, to: string, exportedAt: number | undefined, digests: readonly DigestFile[]): Period[] {
  if (!from || !to) return [];
  const sealedBefore = new Map(digests.map((d) => [d.digest.date, Date.parse(d.digest.sealedBefore)]));
  const periods: { from: number; to: number }[] = [];
  for (let day = from; day <= to; day = nextDay(day)) {
    const start = dayStart(day);
    const end = Math.min(dayStart(nextDay(day)), exportedAt ?? Infinity);
    if (end <= start) break;
    const sealedTo = Math.min(Math.max(sealedBefore.get(day) ?? start, start), end);
    if (sealedTo === end) continue;
    const last = periods[periods.length - 1];
    if (last && last.to === sealedTo) last.to = end;
    else periods.push({ from: sealedTo, to: end });
  }
  return periods.map((p) => ({ from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString() }));
}

/** The verdict in words: what the digests prove, and exactly what they leave unproven. */
function verdictText(v: {
  verdict: Verdict; problems: number; sealedRecords: number; lastSealedAt: string | null; unsealedRecords: number; unsealedChains: readonly UnsealedChain[]; periods: readonly Period[];
}): string {
  const recorded = v.unsealedRecords
    ? `${v.unsealedRecords} unsealed record(s) in ${v.unsealedChains.length} chain(s), recorded ${v.unsealedChains.map((c) => c.from).sort()[0]} – ${v.unsealedChains.map((c) => c.to).sort().at(-1)}`
    : 'no unsealed record';
  const gaps = v.periods.length ? `; no digest seals ${v.periods.map((p) => `${p.from} – ${p.to}`).join(', ')}` : '';
  // Links reveal a gap or an edit only where a later record or a sealed head follows it.
  const notProven = `NOT PROVEN: ${recorded}${gaps} — a removal of the newest records or of a whole new chain, or their rewriting with recomputed hashes, cannot be detected until the next digest.`;
  switch (v.verdict) {
    case 'verified':
      return `VERIFIED — all ${v.sealedRecords} record(s) sealed${v.lastSealedAt ? ` up to ${v.lastSealedAt}` : ''}: nothing edited, deleted, inserted or reordered; digests intact`;
    case 'tampered':
      return `TAMPERED — ${v.problems} problem(s)${v.unsealedRecords || v.periods.length ? `. ${notProven}` : ''}`;
    case 'unsealed':
      return v.sealedRecords
        ? `VERIFIED up to ${v.lastSealedAt}: ${v.sealedRecords} sealed record(s), nothing edited, deleted, inserted or reordered among them. ${notProven}`
        : `no record sealed. ${notProven}`;
  }
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function safeFingerprint(pem: string): string | undefined {
  try {
    return keyFingerprint(pem);
  } catch {
    return undefined;
  }
}

/** [1,2,3,7,8] → [[1,3],[7,8]] */
function runs(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}
