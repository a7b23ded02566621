/**
 * `npm test`: the type check, the unit and infra tests, and the tests against
 * the local cloud, all at once. Vitest starts every project's global setup
 * before any test file, so one run would leave the unit and infra files (and
 * the type check) waiting ~45 s for the local cloud to boot; two runs side by
 * side put that boot, mostly waiting on DynamoDB Local and the seed's
 * requests, under the CPU-bound files.
 *
 * The integration run streams its output; the others print theirs whole when
 * they end. The last line sums the runs' `N passed, N failed, N skipped` lines
 * (tests/summary-reporter.ts). Any failure fails the command. With arguments
 * (`npm test -- tests/unit/x.test.ts`), it type-checks, then runs vitest on them.
 */
import { spawn } from 'node:child_process';

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m;

/** Runs a command; its output streamed, or kept and printed whole when it ends. */
function run(label, command, args, { stream }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let kept = '';
    const take = (target) => (chunk) => {
      const text = chunk.toString();
      if (stream) target.write(text);
      kept += text;
    };
    child.stdout.on('data', take(process.stdout));
    child.stderr.on('data', take(process.stderr));
    child.on('close', (code, signal) => {
      if (!stream) process.stdout.write(`\n──── ${label} ────\n${kept}`);
      resolve({ label, ok: code === 0, code: code ?? signal, summary: kept.match(SUMMARY) });
    });
  });
}

const extra = process.argv.slice(2);
const results = [];
if (extra.length > 0) {
  results.push(await run('type check', bin('tsc'), ['--noEmit'], { stream: true }));
  if (results[0].ok) results.push(await run('vitest', bin('vitest'), ['run', ...extra], { stream: true }));
} else {
  results.push(
    ...(await Promise.all([
      // At a lower priority: the integration run (the local cloud's boot, then its files) is the longer
      // path, and these fill the CPU it leaves idle while it waits on DynamoDB Local and the functions.
      // (At nice 19 they finished after it: the run is short of CPU, not of priority.) A test of a few
      // seconds' CPU can wait a minute or two for it there: their timeouts here are that wait, not the
      // tests' own limits, which hold when they run alone.
      run('type check', 'nice', ['-n', '10', bin('tsc'), '--noEmit'], { stream: false }),
      run('unit and infra tests', 'nice', ['-n', '10', bin('vitest'), 'run', '--project', 'unit', '--project', 'infra', '--testTimeout=300000', '--hookTimeout=300000'], { stream: false }),
      run('integration, e2e and emulated-time tests', bin('vitest'), ['run', '--project', 'integration', '--project', 'integration-isolated', '--project', 'emulated-time'], { stream: true }),
    ])),
  );
}

const failedRuns = results.filter((r) => !r.ok);
for (const r of failedRuns) console.log(`${r.label}: failed (exit ${r.code})`);
const totals = [0, 0, 0];
for (const r of results) if (r.summary) for (const i of [0, 1, 2]) totals[i] += Number(r.summary[i + 1]);
// A run that failed without a summary (a type error, a crash in a global setup) counts as one failure.
totals[1] += failedRuns.filter((r) => !r.summary || Number(r.summary[2]) === 0).length;
console.log(`\n${totals[0]} passed, ${totals[1]} failed, ${totals[2]} skipped`);
process.exit(failedRuns.length > 0 ? 1 : 0);
