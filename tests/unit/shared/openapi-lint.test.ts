/**
 * Redocly's `recommended` ruleset on the OpenAPI document as the code builds it
 * (the same text `npm run docs` writes): no errors and no warnings.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { openApiPath, renderApiDocument } from '../../../docs/generate.ts';

describe('OpenAPI document, linted', () => {
  it('passes Redocly\'s recommended rules without errors or warnings', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: renderApiDocument(), absoluteRef: openApiPath.pathname, config });
    const report = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`);
    if (report.length) console.error(`Redocly recommended: ${report.length} problem(s)\n${report.join('\n')}`);
    expect(report).toEqual([]);
  });
});
