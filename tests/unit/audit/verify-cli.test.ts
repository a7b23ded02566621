/**
 * `npm run audit:verify` as an auditor runs it: its exit code and what it
 * prints — 0 sealed and verified, 3 unsealed records present, 1 tampered,
 * 2 unreadable input — and the same facts under --json. The command's `main`
 * runs in this process for each case (a spawn of npm and tsx costs seconds);
 * two real `npm run` invocations prove the script wiring and its exit code.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDigest } from '#schemas/api/audit';
import { main } from '../../../functions/audit/verify-cli.ts';
import { CENTER, digestsOf, exportOf, linesOf, textOf, threeDays, today } from './fixture.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'audit-verify-cli-'));
const file = (name: string) => path.join(dir, name);

async function spawned(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'audit:verify', '--', ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = main(args, { log: (l) => stdout.push(`${l}\n`), error: (l) => stderr.push(`${l}\n`) });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

const writeDigests = (name: string, digests: readonly AuditDigest[]) => {
  mkdirSync(file(name));
  for (const d of digests) writeFileSync(path.join(file(name), `${d.date}.json`), `${JSON.stringify(d, null, 2)}\n`);
};

const t = today();
const { records, caseA } = threeDays();
const allDigests = file('digests');
const firstTwoDigests = file('digests-1-2');

/** Every invocation the tests read, by name. */
const invocations = {
  sealed: [file('sealed.ndjson'), allDigests],
  today: [file('today.ndjson')],
  todayCut: [file('today-cut.ndjson')],
  todayChainGone: [file('today-chain-gone.ndjson')],
  tail: [file('tail.ndjson'), firstTwoDigests],
  tailEdited: [file('tail-edited.ndjson'), firstTwoDigests],
  tailJson: [file('tail.ndjson'), firstTwoDigests, '--json'],
  noExport: [file('absent.ndjson'), allDigests],
  noKey: [file('sealed.ndjson'), allDigests, '--public-key', file('absent.pem')],
  badOption: [file('sealed.ndjson'), '--no-such-option'],
};
let out: Record<keyof typeof invocations, Awaited<ReturnType<typeof run>>>;
const viaNpm: Partial<Record<'sealed' | 'today', Awaited<ReturnType<typeof spawned>>>> = {};

beforeAll(async () => {
  const digests = await digestsOf(records, ['2026-05-01', '2026-05-02', '2026-05-03']);
  writeDigests('digests', digests);
  writeDigests('digests-1-2', digests.slice(0, 2));
  writeFileSync(file('sealed.ndjson'), exportOf(records, '2026-05-01', '2026-05-03'));
  const tail = exportOf(records, '2026-05-01', '2026-05-03', CENTER, '2026-05-03T02:00:00.000Z');
  writeFileSync(file('tail.ndjson'), tail);
  const edited = linesOf(tail);
  edited.find((l) => l.chain === `case#${caseA.id}` && l.seq === 2)!.actor.id = 'someone-else';
  writeFileSync(file('tail-edited.ndjson'), textOf(edited));
  writeFileSync(file('today.ndjson'), t.text);
  writeFileSync(file('today-cut.ndjson'), textOf(linesOf(t.text).filter((l) => !(l.chain === `case#${t.caseC.id}` && l.seq === 2))));
  writeFileSync(file('today-chain-gone.ndjson'), textOf(linesOf(t.text).filter((l) => l.chain !== `case#${t.caseD.id}`)));
  const results = await Promise.all(Object.values(invocations).map((args) => run(...args)));
  out = Object.fromEntries(Object.keys(invocations).map((k, i) => [k, results[i]!])) as typeof out;
  [viaNpm.sealed, viaNpm.today] = await Promise.all([spawned(...invocations.sealed), spawned(...invocations.today)]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const said = (r: Awaited<ReturnType<typeof run>>) => r.stdout + r.stderr;

describe('audit:verify', () => {
  it('as npm runs it: the same text and exit code as in process (0 sealed, 3 unsealed)', () => {
    expect([viaNpm.sealed!.code, viaNpm.sealed!.stdout]).toEqual([0, out.sealed.stdout]);
    expect([viaNpm.today!.code, viaNpm.today!.stdout]).toEqual([3, out.today.stdout]);
  });

  it('exit 0 for an export every record of which a digest seals', () => {
    expect(out.sealed.code, said(out.sealed)).toBe(0);
    expect(out.sealed.stdout).toContain('3 digest(s): VERIFIED — all 14 record(s) sealed up to 2026-05-03T16:00:00.000Z: nothing edited, deleted, inserted or reordered; digests intact');
    expect(out.sealed.stdout).not.toContain('UNSEALED');
  });

  it('exit 3 for today\'s export without a digest: each chain listed unsealed, NOT PROVEN, never VERIFIED', () => {
    const r = out.today;
    expect(r.code, said(r)).toBe(3);
    expect(r.stdout).toContain(`UNSEALED         chain case#${t.caseD.id}: position 1 (1 record(s), recorded 2026-05-03T01:30:00.000Z – 2026-05-03T01:30:00.000Z), a chain no digest names`);
    expect(r.stdout).toContain(`UNSEALED         chain case#${t.caseC.id}: positions 1–2 (2 record(s), `);
    expect(r.stdout).toContain('UNSEALED         no digest seals 2026-05-02T16:00:00.000Z – 2026-05-03T02:00:00.000Z');
    expect(r.stdout).toContain('0 digest(s): no record sealed. NOT PROVEN: 5 unsealed record(s) in 3 chain(s), ');
    expect(r.stdout).not.toContain('VERIFIED');
  });

  it('exit 3, not 0, for today\'s export with a chain\'s last record or a whole chain removed', () => {
    const { todayCut: cut, todayChainGone: gone } = out;
    expect(cut.code, said(cut)).toBe(3);
    expect(cut.stdout).toContain('NOT PROVEN: 4 unsealed record(s) in 3 chain(s), ');
    expect(cut.stdout).toContain('a removal of the newest records or of a whole new chain, or their rewriting with recomputed hashes, cannot be detected until the next digest.');
    expect(gone.code, said(gone)).toBe(3);
    expect(gone.stdout).toContain('NOT PROVEN: 4 unsealed record(s) in 2 chain(s), ');
    for (const r of [cut, gone]) expect(r.stdout).not.toContain('VERIFIED');
  });

  it('exit 3 for a sealed export with an unsealed tail: the sealed part VERIFIED up to the last seal', () => {
    const r = out.tail;
    expect(r.code, said(r)).toBe(3);
    expect(r.stdout).toContain(`chain case#${caseA.id}: position 6 (1 record(s), recorded 2026-05-03T00:00:00.000Z – 2026-05-03T00:00:00.000Z), past position 5, the last a digest sealed`);
    expect(r.stdout).toContain('2 digest(s): VERIFIED up to 2026-05-02T16:00:00.000Z: 12 sealed record(s), nothing edited, deleted, inserted or reordered among them. NOT PROVEN: 2 unsealed record(s) in 2 chain(s), ');
  });

  it('exit 1 for tampering in the sealed part, the tail still counted', () => {
    const r = out.tailEdited;
    expect(r.code, said(r)).toBe(1);
    expect(r.stdout).toMatch(/✗ EDITED +record \S+ \(chain case#370982-20260501-00001, position 2, line \d+\) was edited/);
    expect(r.stdout).toContain('TAMPERED — 1 problem(s). NOT PROVEN: 2 unsealed record(s) in 2 chain(s), ');
  });

  it('--json carries the verdict, the sealed and unsealed counts per chain and the last seal', () => {
    const r = out.tailJson;
    expect(r.code, said(r)).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      ok: false, verdict: 'unsealed', problems: [], sealedRecords: 12, lastSealedAt: '2026-05-02T16:00:00.000Z', unsealedRecords: 2,
      unsealedPeriods: [{ from: '2026-05-02T16:00:00.000Z', to: '2026-05-03T02:00:00.000Z' }],
    });
    expect(report.unsealedChains.map((c: { chain: string; records: number }) => [c.chain, c.records])).toEqual([[`case#${caseA.id}`, 1], [`center#${CENTER}#2026-05-03`, 1]]);
  });

  it('exit 2 for an export, a public key or an option it cannot read', () => {
    const { noExport, noKey, badOption } = out;
    expect(noExport.code).toBe(2);
    expect(noExport.stderr).toContain(`cannot read the export ${file('absent.ndjson')}`);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain(`cannot read the public key ${file('absent.pem')}`);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('usage: npm run audit:verify');
  });
});
