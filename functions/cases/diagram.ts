/**
 * docs/case-lifecycle.md, written from the lifecycle table: a Mermaid state
 * diagram and the table itself. `npm run docs` rewrites it; a test fails when
 * the file no longer matches the table.
 */
import { transitions, type Actor } from './lifecycle.ts';
import { caseStates } from '#schemas/api/case-clock';

const who = (a: Actor) => (a.role === 'applicant' ? 'applicant' : a.role === 'system' ? 'system' : a.on === 'joint' ? `${a.role} (co-dept)` : a.on === 'center' ? `${a.role} (center)` : a.role);

export function renderLifecycle(): string {
  const lines = ['stateDiagram-v2', '  [*] --> submitted: submit (applicant online, clerk at the counter)'];
  for (const t of transitions) {
    for (const from of t.from) {
      const to = t.to === 'same' ? from : t.to;
      const clock = t.clock ? ` ⏱ ${t.clock}` : '';
      lines.push(`  ${from} --> ${to}: ${t.action} (${t.by.map(who).join(', ')})${clock}`);
    }
  }
  const terminal = caseStates.filter((s) => !transitions.some((t) => t.from.includes(s)));
  for (const s of terminal) lines.push(`  ${s} --> [*]`);

  const rows = transitions.map((t) =>
    `| \`${t.action}\` | ${t.from.join(', ')} | ${t.to === 'same' ? '(same)' : t.to} | ${t.by.map(who).join(', ')} | ${t.guards.map((g) => g.name).join('; ') || '—'} | ${t.clock ?? '—'} | ${t.event} |`,
  );
  const systemActions = [...new Set(transitions.filter((t) => t.by.every((b) => b.role === 'system')).map((t) => t.action))];
  return [
    '# Case lifecycle (办件流程)',
    '',
    'Generated from `functions/cases/lifecycle.ts` by `npm run docs`; do not edit by hand.',
    `The table has ${transitions.length} transitions over ${caseStates.length} states; the system takes ${systemActions.map((a) => `\`${a}\``).join(', ')} (on its schedule, or on the fees domain's gate events: the payment rows), everyone else acts through \`POST /cases/{caseNo}/{action}\`.`,
    'Staff act only on cases of their own department (co-department steps: the co-department; "(center)": any case of their center), applicants only on their own.',
    '',
    '```mermaid',
    ...lines,
    '```',
    '',
    '| action | from | to | by | only when | clock | event |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
