/**
 * The first check of a schema in a fresh process, bundled as a Lambda bundles
 * it (decision 69), reported not asserted: Ajv as functions/shared/validate.ts
 * used it until then (an Ajv with ajv-formats per container, each schema
 * compiled on its first use) against validate.ts's interpreter (nothing to
 * compile). For the schemas of the first event or request of the functions
 * that validate on every invocation; the value is a valid one, generated from
 * the schema. Median of fresh processes each.
 *
 * Run by `npm run bench` and `npx tsx bench/bundles.ts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { TSchema } from '@sinclair/typebox';
import { arbitraryOf } from '../tests/integration/schema-arbitraries.ts';
import { buildLikeLambda } from './lambda-build.ts';
import { percentile } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Schema, module and export: what each kind of function checks first. */
const cases = [
  { name: 'case event (notifications, documents, invitations, completions)', module: 'schemas/events/cases.ts', member: 'caseEventSchema' },
  { name: 'threshold event (supervision cards)', module: 'schemas/events/cases.ts', member: 'thresholdEventSchema' },
  { name: 'CalendarChanged (recount)', module: 'schemas/events/org.ts', member: 'orgEventSchemas.CalendarChanged' },
  { name: 'intake request body (POST /cases)', module: 'schemas/api/cases.ts', member: 'IntakeRequest' },
] as const;

const ajvSource = (module: string, member: string, value: unknown) => `
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import * as m from ${JSON.stringify(join(root, module))};
const value = ${JSON.stringify(value)};
const t0 = performance.now();
const addFormats = addFormatsModule.default ?? addFormatsModule;
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false, coerceTypes: false });
addFormats(ajv, ['date-time', 'date', 'email', 'uri']);
const t1 = performance.now();
const fn = ajv.compile(m.${member});
const ok = fn(value);
const t2 = performance.now();
fn(value);
const t3 = performance.now();
console.log(JSON.stringify({ setupMs: t1 - t0, firstMs: t2 - t1, nextMs: t3 - t2, ok }));
`;

const oursSource = (module: string, member: string, value: unknown) => `
import { schemaErrors } from ${JSON.stringify(join(root, 'functions/shared/validate.ts'))};
import * as m from ${JSON.stringify(join(root, module))};
const value = ${JSON.stringify(value)};
const t1 = performance.now();
const ok = schemaErrors(m.${member}, value).length === 0;
const t2 = performance.now();
schemaErrors(m.${member}, value);
const t3 = performance.now();
console.log(JSON.stringify({ setupMs: 0, firstMs: t2 - t1, nextMs: t3 - t2, ok }));
`;

type Run = { setupMs: number; firstMs: number; nextMs: number; ok: boolean };

function runs(file: string, n: number): Run[] {
  const out: Run[] = [];
  for (let i = 0; i < n; i++) out.push(JSON.parse(execFileSync(process.execPath, [file]).toString()) as Run);
  return out;
}

const summary = (r: Run[]) => ({
  setupMs: percentile(r.map((x) => x.setupMs), 50),
  firstCheckMs: percentile(r.map((x) => x.firstMs), 50),
  nextCheckMs: Math.round(percentile(r.map((x) => x.nextMs * 1000), 50)) / 1000,
  valid: r.every((x) => x.ok),
});

export async function validationFigures(processes = 11) {
  const work = await mkdtemp(join(tmpdir(), 'onestop-validation-'));
  try {
    const figures = [];
    for (const c of cases) {
      const mod = (await import(pathToFileURL(join(root, c.module)).href)) as Record<string, unknown>;
      const schema = c.member.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], mod) as TSchema;
      const [value] = fc.sample(arbitraryOf(schema), { numRuns: 1, seed: 13 });
      const ajv = await buildLikeLambda(ajvSource(c.module, c.member, value), join(work, `${figures.length}-ajv`));
      const ours = await buildLikeLambda(oursSource(c.module, c.member, value), join(work, `${figures.length}-ours`));
      figures.push({ schema: c.name, ajv: summary(runs(ajv, processes)), validateTs: summary(runs(ours, processes)) });
    }
    return { processes, figures };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
