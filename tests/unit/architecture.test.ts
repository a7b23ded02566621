/**
 * The dependency rules of the codebase, checked on every import of every
 * module (read with the TypeScript compiler's own import scanner):
 *  - a domain uses another domain only through that domain's `public.ts`
 *    (never its store, its lifecycle, its clock…);
 *  - the shared kernel (functions/shared) imports no domain;
 *  - functions never import infra, the local cloud, tests, bench or docs;
 *  - schemas import no domain (only schemas and the route-spec type).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const rel = (abs: string) => path.relative(root, abs).split(path.sep).join('/');

function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => `${dir}/${f.split(path.sep).join('/')}`);
}

/** The repository files a module imports (package imports left out). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
  return info.importedFiles.flatMap(({ fileName: spec }) => {
    if (spec.startsWith('#shared/')) return [`functions/shared/${spec.slice(8)}.ts`];
    if (spec.startsWith('#schemas/')) return [`schemas/${spec.slice(9)}.ts`];
    if (!spec.startsWith('.')) return [];
    return [rel(path.resolve(root, path.dirname(file), spec))];
  });
}

const domainOf = (file: string) => /^functions\/([^/]+)\//.exec(file)?.[1];

type Rule = { name: string; broken: (from: string, to: string) => boolean };

const rules: Rule[] = [
  {
    name: "a domain imports another domain only through its public.ts",
    broken: (from, to) => {
      const a = domainOf(from);
      const b = domainOf(to);
      return !!a && !!b && a !== 'shared' && b !== 'shared' && a !== b && !to.endsWith(`functions/${b}/public.ts`);
    },
  },
  { name: 'the shared kernel imports no domain', broken: (from, to) => domainOf(from) === 'shared' && !!domainOf(to) && domainOf(to) !== 'shared' },
  { name: 'functions never import infra, local, tests, bench or docs', broken: (from, to) => from.startsWith('functions/') && /^(infra|local|tests|bench|docs)\//.test(to) },
  { name: 'schemas import no domain', broken: (from, to) => from.startsWith('schemas/') && to.startsWith('functions/') && to !== 'functions/shared/route-spec.ts' },
];

const modules = [...sourcesUnder('functions'), ...sourcesUnder('schemas')];
const edges = modules.flatMap((from) => importsOf(from).map((to) => ({ from, to })));

describe(`dependency rules over ${modules.length} modules and ${edges.length} imports`, () => {
  it.each(rules.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    expect(edges.filter((e) => rule.broken(e.from, e.to)).map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('the rules see real imports (a domain importing the kernel and a public module)', () => {
    expect(edges).toContainEqual({ from: 'functions/cases/handler.ts', to: 'functions/shared/http.ts' });
    expect(edges.some((e) => e.to === 'functions/cases/public.ts')).toBe(true);
  });

  it('catches a broken rule (a domain reaching into another domain\'s store)', () => {
    const [crossing] = rules;
    expect(crossing!.broken('functions/documents/handler.ts', 'functions/cases/store.ts')).toBe(true);
    expect(crossing!.broken('functions/documents/handler.ts', 'functions/cases/public.ts')).toBe(false);
  });
});
