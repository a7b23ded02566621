/**
 * cdk-nag 3.0.2 runs as a policy validation plugin: any finding (error or
 * warning) fails synthesis, and the details are written to
 * <outdir>/validation-report.json. For each stage this file synthesizes the
 * app as the CLI does, reads that report, and checks every acknowledgement:
 * a specific reason, scoped to a construct below the stack, and still needed
 * (it matches a finding the rules raise when acknowledgements are ignored).
 * Bundling does not change a finding, so no stage is bundled here: the local
 * cloud of the integration tests runs the bundles of its own `cdk synth`, and
 * tests/integration/local-cloud.test.ts checks them.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOneStop } from '../../infra/build.ts';
import { stageNames, type StageName } from '../../infra/config.ts';
import { newApp } from './synth.ts';

interface ReportViolation {
  ruleName: string;
  severity: string;
  violatingConstructs?: { constructPath: string }[];
}
interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: ReportViolation[] }[];
}
interface Ack { path: string; id: string; reason: string }

const ACK_PREFIX = /^annotation::/i;

function acknowledgements(app: App): Ack[] {
  const acks: Ack[] = [];
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        acks.push({ path: construct.node.path, id: id.replace(ACK_PREFIX, ''), reason });
      }
    }
  }
  return acks;
}

/** Findings of the AwsSolutions rules with every acknowledgement ignored. */
function rawFindings(app: App): { ruleName: string; paths: string[] }[] {
  const pack = new AwsSolutionsChecks();
  // cdk-nag consults acknowledgements in a private method; bypass it on this instance only.
  Object.assign(pack, { isAcknowledged: () => false });
  return pack.validateScope(app).violations.map((v) => ({
    ruleName: v.ruleName,
    paths: v.violatingResources.map((r) => r.constructPath ?? ''),
  }));
}

function synthWithNag(stage: StageName) {
  const { app, outdir } = newApp(stage);
  const { stack } = buildOneStop(app);
  let error: unknown;
  let assemblyDir = outdir;
  try {
    assemblyDir = app.synth().directory;
  } catch (err) {
    error = err;
  }
  const report = JSON.parse(readFileSync(path.join(assemblyDir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return { app, stack, error, report, assemblyDir, outdir };
}

describe.each(stageNames)('cdk-nag AwsSolutions, stage %s', (stage) => {
  // One synthesis per stage, shared by the tests below (describe.each runs them in order).
  let synth: ReturnType<typeof synthWithNag> | undefined;
  const get = () => (synth ??= synthWithNag(stage));
  afterAll(() => {
    if (synth) rmSync(synth.outdir, { recursive: true, force: true });
  });

  it('synthesizes with 0 unacknowledged errors and warnings', () => {
    const { error, report } = get();
    const violations = report.pluginReports.flatMap((r) =>
      r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName} @ ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`));
    expect(violations).toEqual([]);
    expect(error).toBeUndefined();
    // The first test synthesizes the stage with the checks (~15 s alone); `npm test` runs this project at a lower priority.
  }, 180_000);

  it('every acknowledgement has a specific reason and is scoped below the stack', () => {
    const { app, stack } = get();
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(ack.reason.trim().length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(40);
      expect(ack.path.startsWith(`${stack.node.path}/`), `${ack.id} acknowledged on ${ack.path}, not on a construct of the stack`).toBe(true);
    }
  });

  it('every acknowledgement matches a finding the rules actually raise (none is stale)', () => {
    const { app } = get();
    const findings = rawFindings(app);
    for (const ack of acknowledgements(app)) {
      const matched = findings.some((f) => f.ruleName === ack.id && f.paths.some((p) => p === ack.path || p.startsWith(`${ack.path}/`)));
      expect(matched, `${ack.id} on ${ack.path}`).toBe(true);
    }
  });
});
