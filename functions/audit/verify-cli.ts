/**
 * npm run audit:verify -- <export.ndjson> <digests: a directory or files…> [--public-key <pem file>] [--json]
 *
 * Verifies an NDJSON export of the audit log (GET /audit/export?format=ndjson,
 * pages concatenated) against the daily digests (GET /audit/digests/{date},
 * or the `digests/<centerId>/` objects of the audit bucket). Digests signed by
 * KMS carry no public key: pass the one `aws kms get-public-key` gives
 * (converted to PEM) with --public-key. Exit code 0: verified; 1: tampering
 * found; 2: the inputs could not be read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDigest, parseExport, verifyAudit, type DigestFile, type Problem } from './verify.ts';

const usage = 'usage: npm run audit:verify -- <export.ndjson> <digests dir or file>... [--public-key <pem>] [--json]';

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, options: { 'public-key': { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true });
  const [exportFile, ...digestPaths] = positionals;
  if (!exportFile) {
    console.error(usage);
    return 2;
  }
  let exportText: string;
  try {
    exportText = readFileSync(exportFile, 'utf8');
  } catch (err) {
    console.error(`cannot read the export ${exportFile}: ${(err as Error).message}`);
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
      console.error(`cannot read the digest ${file}: ${(err as Error).message}`);
      return 2;
    }
    const parsed = parseDigest(text, file);
    if ('digest' in parsed) digests.push(parsed);
    else unreadable.push(parsed);
  }
  const publicKeyPem = values['public-key'] ? readFileSync(values['public-key'], 'utf8') : undefined;
  const parsedExport = parseExport(exportText);
  const report = verifyAudit({ export: { ...parsedExport, problems: [...parsedExport.problems, ...unreadable] }, digests, ...(publicKeyPem ? { publicKeyPem } : {}) });

  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`audit verify: ${exportFile} against ${digests.length} digest(s)`);
    for (const p of report.problems) console.log(`  ✗ ${p.kind.toUpperCase().padEnd(16)} ${p.message}`);
    for (const n of report.notes) console.log(`  · ${n}`);
    console.log(report.summary);
  }
  return report.ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
