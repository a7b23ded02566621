/**
 * Five projects: unit and infra tests run alone; integration (and e2e) tests
 * share ONE local cloud started by tests/integration/global-setup.ts, and the
 * emulated-time tests, which move that cloud's clock forward, get it after
 * every other file has run (sequence.groupOrder 1) — vitest
 * runs a project's globalSetup only when that project has tests queued, so
 * `vitest run tests/unit` never starts it, and the cloud's `cdk synth` is the
 * only CLI synth of a whole `npm test`. `npm test` (tests/run.mjs) runs the
 * unit and infra projects and the others as two runs side by side.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const INTEGRATION_FILES = ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'];
/**
 * Integration files that change what a module graph shares: they run domain
 * handlers in this process (in-process.ts: their environment, a middleware on
 * the shared DynamoDB client), set process.env, or mock and spy. They keep a
 * module graph of their own (isolate); every other integration file only
 * talks to the local cloud and shares its worker's graph: importing the
 * clients and schemas again for each of ~40 files was a fifth of the run's
 * CPU. Found by reading the files, so a new file that does any of it is
 * isolated without anyone remembering to list it.
 */
const SHARES_STATE = /in-process\.ts|process\.env\.\w+\s*=[^=]|Object\.assign\(process\.env|vi\.(mock|doMock|stubEnv|stubGlobal|spyOn|useFakeTimers)|middlewareStack/;
const isolatedIntegrationFiles = ['tests/integration', 'tests/e2e']
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.ts')).map((f) => `${dir}/${f}`))
  .filter((file) => SHARES_STATE.test(readFileSync(file, 'utf8')));

/**
 * The emulated-time files, in the order they run (one at a time): supervision
 * measures its cards against jumps of its own from a clock no file has moved;
 * the hall journey then moves it once, to its slot's check-in; the hearing
 * journey last, once, 7 days on to past its hearing (art. 48's notice). A file
 * not named runs after them.
 */
const EMULATED_TIME_ORDER = ['supervision.test.ts', 'hall-journey.test.ts', 'hearing-journey.test.ts'];

/**
 * The integration files that take longest (45–95 s each at rest), started
 * first in this order. Vitest orders by the durations it cached in
 * node_modules, which CI's clean clone lacks; by size there, the two longest
 * (short files) started last.
 */
const LONGEST_FIRST = ['edge-fuzz', 'authorization-matrix', 'fault-injection', 'audit'].map((name) => `/tests/integration/${name}.test.ts`);

/** Vitest's order (by last duration, then size) for every project, but the longest files first and the emulated-time files in their order. */
class LongestFirstEmulatedTimeInOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const rankIn = (names: string[], f: TestSpecification) => {
      const i = names.findIndex((name) => f.moduleId.endsWith(name));
      return i < 0 ? names.length : i;
    };
    const byRank = (names: string[]) => (a: TestSpecification, b: TestSpecification) => rankIn(names, a) - rankIn(names, b);
    // Array.prototype.sort is stable: files not named keep vitest's order.
    const others = sorted.filter((f) => f.project.name !== 'emulated-time').sort(byRank(LONGEST_FIRST));
    const emulated = sorted.filter((f) => f.project.name === 'emulated-time').sort(byRank(EMULATED_TIME_ORDER.map((name) => `/tests/emulated-time/${name}`)));
    return [...others, ...emulated];
  }
}

export default defineConfig({
  test: {
    // vitest's default on 2 CPUs is one worker: the integration files, which mostly wait on the
    // local cloud (another process), and the CPU-bound synth and unit files then never overlap.
    maxWorkers: 3,
    reporters: ['default', './tests/summary-reporter.ts'],
    sequence: { sequencer: LongestFirstEmulatedTimeInOrder },
    // Together the projects cover tests/**/*.test.ts. No root `include`: projects that
    // extend the root config would add it to their own and run every file.
    projects: [
      {
        extends: true,
        // Under `npm test` the unit files run niced beside the integration run and its local cloud, on 2
        // CPUs: a property test that takes 2 s alone can wait 10 s for the CPU there.
        // One module graph per worker, not per file (isolate off): the files import the same domain
        // cores, and re-importing them for each of ~80 files was about half of this project's CPU.
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000, isolate: false },
      },
      {
        extends: true,
        // CDK synths in-process take seconds each.
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          globalSetup: ['tests/infra/global-setup.ts'],
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION_FILES,
          exclude: isolatedIntegrationFiles,
          isolate: false,
          globalSetup: ['tests/integration/global-setup.ts'],
          // Above api-client.ts `until`'s 40 s, so a slow wait fails with its own message.
          testTimeout: 60_000,
          // The global setup synthesizes, starts DynamoDB Local and seeds through the API.
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-isolated',
          include: isolatedIntegrationFiles,
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        // Moves the shared cloud's clock forward (POST /local/clock): runs after every other file, one
        // file at a time (a jump in one would release the thresholds another is measuring), in
        // EMULATED_TIME_ORDER.
        test: {
          name: 'emulated-time',
          include: ['tests/emulated-time/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
