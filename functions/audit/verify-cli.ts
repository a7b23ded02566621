/**
 * npm run audit:verify -- <export.ndjson> <digests: a directory or files…> [--public-key <pem file>] [--json]
 *
 * Verifies an NDJSON export of the audit log (GET /audit/export?format=ndjson,
 * pages concatenated) against the daily digests (GET /audit/digests/{date},
 * or the `digests/<centerId>/` objects of the audit bucket). Digests signed by
 * KMS carry no public key: pass the one `aws kms get-public-key` gives
 * (converted to PEM) with --public-key.
 *
 * Exit code 0: verified, and every record and instant of the export is sealed
 * by a digest; 1: tampering found; 2: the inputs could not be read; 3: nothing
 * tampered with among the sealed records, but some records (today's, or those
 * past the newest digest) are unsealed — their removal could not be detected.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDigest, parseExport, verifyAudit, type DigestFile, type Problem, type UnsealedChain, type Verdict } from './verify.ts';

const usage = 'usage: npm run audit:verify -- <export.ndjson> <digests dir or file>... [--public-key <pem>] [--json]';

const exitCodes: Record<Verdict, number> = { verified: 0, tampered: 1, unsealed: 3 };

const positions = (c: UnsealedChain) => (c.firstSeq === c.lastSeq ? `position ${c.firstSeq}` : `positions ${c.firstSeq}–${c.lastSeq}`);
const unsealedLine = (c: UnsealedChain) =>
  `chain ${c.chain}: ${positions(c)} (${c.records} record(s), recorded ${c.from} – ${c.to}), ${c.sealedSeq ? `past position ${c.sealedSeq}, the last a digest sealed` : 'a chain no digest names'}`;

/** Where the command writes (the process's console, or a test's capture). */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

/** Runs the command on `argv`; returns its exit code. */
export function main(argv: string[], out: Output = console): number {
  let args;
  try {
    args = parseArgs({ args: argv, options: { 'public-key': { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true });
  } catch (err) {
    out.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = args;
  const [exportFile, ...digestPaths] = positionals;
  if (!exportFile) {
    out.error(usage);
    return 2;
  }
  let exportText: string;
  try {
    exportText = readFileSync(exportFile, 'utf8');
  } catch (err) {
    out.error(`cannot read the export ${exportFile}: ${(err as Error).message}`);
    return 2;
  }
  const files = digestPaths.flatMap((p) => (statSync(p, { throwIfNoEntry: false })?.isDirectory()
    ? readdirSync(p, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(p, f))
    : [p]));
  const digests: DigestFile[] = [];
  const unreadable: Problem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      out.error(`cannot read the digest ${file}: ${(err as Error).message}`);
      return 2;
    }
    const parsed = parseDigest(text, file);
    if ('digest' in parsed) digests.push(parsed);
    else unreadable.push(parsed);
  }
  let publicKeyPem: string | undefined;
  try {
    publicKeyPem = values['public-key'] ? readFileSync(values['public-key'], 'utf8') : undefined;
  } catch (err) {
    out.error(`cannot read the public key ${values['public-key']}: ${(err as Error).message}`);
    return 2;
  }
  const parsedExport = parseExport(exportText);
  const report = verifyAudit({ export: { ...parsedExport, problems: [...parsedExport.problems, ...unreadable] }, digests, ...(publicKeyPem ? { publicKeyPem } : {}) });

  if (values.json) {
    out.log(JSON.stringify(report, null, 2));
  } else {
    out.log(`audit verify: ${exportFile} against ${digests.length} digest(s)`);
    for (const p of report.problems) out.log(`  ✗ ${p.kind.toUpperCase().padEnd(16)} ${p.message}`);
    for (const c of report.unsealedChains) out.log(`  ? ${'UNSEALED'.padEnd(16)} ${unsealedLine(c)}`);
    for (const p of report.unsealedPeriods) out.log(`  ? ${'UNSEALED'.padEnd(16)} no digest seals ${p.from} – ${p.to}`);
    for (const n of report.notes) out.log(`  · ${n}`);
    out.log(report.summary);
  }
  return exitCodes[report.verdict];
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
