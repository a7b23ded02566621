/**
 * What a frontend gets from the document: openapi-typescript generates the
 * client's types, they compile, and the schemas come out as named types
 * (`components["schemas"]["Case"]`), not anonymous inline shapes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { apiDocument, apiDocumentInput } from '../../../docs/generate.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'onestop-openapi-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The members of `components.schemas` in the generated `export interface components`. */
function schemaTypeNames(source: ts.SourceFile): string[] {
  const components = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'components');
  const schemas = components?.members.find((m): m is ts.PropertySignature => ts.isPropertySignature(m) && m.name.getText(source) === 'schemas');
  if (!schemas?.type || !ts.isTypeLiteralNode(schemas.type)) return [];
  return schemas.type.members.map((m) => m.name!.getText(source).replace(/^"|"$/g, ''));
}

describe('OpenAPI document, as a generated client', () => {
  it('generates TypeScript that compiles, with a named type per component', async () => {
    const generated = astToString(await openapiTS(apiDocument() as never));
    const client = path.join(dir, 'onestop-api.ts');
    const usage = path.join(dir, 'usage.ts');
    writeFileSync(client, generated);
    // A few uses as a frontend would write them: named schemas, an operation's body and answer.
    writeFileSync(usage, [
      "import type { components, operations } from './onestop-api.ts';",
      "type Schemas = components['schemas'];",
      "export const state: Schemas['Case']['state'] = 'accepted';",
      "export const problem: Schemas['Problem'] = { type: 'https://onestop.example.gov.cn/problems/not-found', title: 'Not found', status: 404, traceId: 't' };",
      "export type Intake = operations['submitCase']['requestBody'] extends { content: { 'application/json': infer B } } ? B : never;",
      "export type Created = operations['submitCase']['responses'][201]['content']['application/json'];",
      "export const created = (c: Created): Schemas['CaseNo'] => c.caseNo;",
      "export type Rated = operations['evaluationRate']['responses'][200]['content']['application/json'] extends Schemas['Evaluation'] ? true : never;",
      "export const rated: Rated = true;",
      "export type Version = Schemas['ItemVersion']['version'];",
      '',
    ].join('\n'));

    const program = ts.createProgram([client, usage], {
      noEmit: true, strict: true, noUncheckedIndexedAccess: true, target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler, allowImportingTsExtensions: true, types: [], lib: ['lib.es2023.d.ts'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    const names = schemaTypeNames(program.getSourceFile(client)!);
    console.log(`openapi-typescript: ${names.length} named types in components["schemas"] (${Object.keys(apiDocumentInput.components).length} registered components)`);
    expect(names.length).toBeGreaterThanOrEqual(Object.keys(apiDocumentInput.components).length);
    expect(names).toEqual(expect.arrayContaining(['Case', 'CaseSummary', 'Timeline', 'Evaluation', 'ItemVersion', 'PublicItem', 'Problem', 'FieldError', 'CasePage', 'GatewayMessage']));
  });
});
