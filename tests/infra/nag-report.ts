/**
 * What cdk-nag found in one synthesis, as data the infra tests can read from
 * a file: the infra project's global setup synthesizes each stage once with
 * the checks (as the CLI does) and writes this next to the stage's template,
 * so nag.test.ts and web.test.ts assert on it without synthesizing again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations, type App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

interface ReportViolation {
  ruleName: string;
  severity: string;
  violatingConstructs?: { constructPath: string }[];
}
interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: ReportViolation[] }[];
}
export interface Ack { path: string; id: string; reason: string }

export interface NagReport {
  readonly stackPath: string;
  /** `<plugin> <severity> <rule> @ <construct paths>`, one per finding left unacknowledged. */
  readonly violations: string[];
  /** Every construct path a finding names, with its rule: `<rule> @ <path>`. */
  readonly findings: string[];
  /** The synthesis' error, if the findings failed it. */
  readonly error?: string;
  readonly acks: Ack[];
  /** Acknowledgements that match no finding of the rules run with every acknowledgement ignored. */
  readonly stale: string[];
}

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

/** Synthesizes `app` (built with the checks) into its outdir and reads what the checks found. */
export function synthWithNag(app: App, stack: Stack, outdir: string): { assemblyDir: string; report: NagReport } {
  let error: unknown;
  let assemblyDir = outdir;
  try {
    assemblyDir = app.synth().directory;
  } catch (err) {
    error = err;
  }
  const validation = JSON.parse(readFileSync(path.join(assemblyDir, 'validation-report.json'), 'utf8')) as ValidationReport;
  const acks = acknowledgements(app);
  const raw = rawFindings(app);
  const report: NagReport = {
    stackPath: stack.node.path,
    violations: validation.pluginReports.flatMap((r) =>
      r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName} @ ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`)),
    findings: validation.pluginReports.flatMap((r) => r.violations).flatMap((v) => (v.violatingConstructs ?? []).map((c) => `${v.ruleName} @ ${c.constructPath}`)),
    ...(error ? { error: String(error) } : {}),
    acks,
    stale: acks
      .filter((ack) => !raw.some((f) => f.ruleName === ack.id && f.paths.some((p) => p === ack.path || p.startsWith(`${ack.path}/`))))
      .map((ack) => `${ack.id} on ${ack.path}`),
  };
  return { assemblyDir, report };
}
