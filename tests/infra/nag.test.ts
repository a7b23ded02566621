/**
 * cdk-nag 3.0.2 runs as a policy validation plugin: any finding (error or
 * warning) fails synthesis, and the details are written to
 * <outdir>/validation-report.json. The infra project's global setup
 * synthesizes each stage once as the CLI does and records that report, every
 * acknowledgement and the ones no finding needs (nag-report.ts); this file
 * checks them: no finding left, every acknowledgement with a specific reason,
 * scoped to a construct below the stack, and still needed (it matches a
 * finding the rules raise when acknowledgements are ignored).
 * Bundling does not change a finding, so no stage is bundled: the local cloud
 * of the integration tests runs the bundles of its own `cdk synth`, and
 * tests/integration/local-cloud.test.ts checks them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { stageNames } from '../../infra/config.ts';
import type { NagReport } from './nag-report.ts';

describe.each(stageNames)('cdk-nag AwsSolutions, stage %s', (stage) => {
  const report = () => JSON.parse(readFileSync(path.join(inject('infraTemplates'), `${stage}.nag.json`), 'utf8')) as NagReport;

  it('synthesizes with 0 unacknowledged errors and warnings', () => {
    const { violations, error } = report();
    expect(violations).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('every acknowledgement has a specific reason and is scoped below the stack', () => {
    const { acks, stackPath } = report();
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(ack.reason.trim().length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(40);
      expect(ack.path.startsWith(`${stackPath}/`), `${ack.id} acknowledged on ${ack.path}, not on a construct of the stack`).toBe(true);
    }
  });

  it('every acknowledgement matches a finding the rules actually raise (none is stale)', () => {
    expect(report().stale).toEqual([]);
  });
});
