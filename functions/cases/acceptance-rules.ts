/**
 * The two ways a received application with materials missing moves on, and
 * what each must not leave out (pure):
 *  - the one-time notice (一次性告知, art. 32): every required material the
 *    checklist shows missing or incorrect, at once; after a supplement, a later
 *    notice names only defects of what the supplement handed in;
 *  - 容缺受理: only tolerable materials pledged, every missing required one
 *    either handed in or pledged, the applicant's consent recorded, and the
 *    pledge deadline within the promised limit unless the center allows more.
 * Each rule refuses with its own problem type, naming every fault in `errors`.
 */
import type { Static } from '@sinclair/typebox';
import type { AcceptWithToleranceBody, SupplementNoticeBody } from '#schemas/api/cases';
import { msg, type ProblemType, type Text } from '#schemas/api/problems';
import { HttpProblem, type FieldFault } from '#shared/errors';
import type { CaseRecord } from './lifecycle.ts';
import { caseProblems as p } from './problems.ts';

type Pledge = Static<typeof AcceptWithToleranceBody>;
type Notice = Static<typeof SupplementNoticeBody>;

/** Ids given that are not on a checklist, or listed twice. */
export function checklistErrors(known: readonly string[], given: readonly string[], path: string, field = 'materialId'): FieldFault[] {
  const errors: FieldFault[] = [];
  const seen = new Set<string>();
  given.forEach((id, i) => {
    if (!known.includes(id)) errors.push({ path: `${path}/${i}/${field}`, code: 'not_on_checklist', message: msg(`${id} 不在本办件的材料清单上`, `${id} is not on this case's materials checklist`) });
    if (seen.has(id)) errors.push({ path: `${path}/${i}/${field}`, code: 'duplicate', message: msg(`${id} 重复列出`, `${id} is listed twice`) });
    seen.add(id);
  });
  return errors;
}

interface Rule {
  readonly type: ProblemType;
  readonly detail: Text;
  readonly errors: FieldFault[];
}

/** Throws the first broken rule's problem, with the faults of every broken rule. */
function refuseFirst(rules: readonly Rule[]): void {
  const broken = rules.filter((r) => r.errors.length > 0);
  if (broken.length) throw new HttpProblem(broken[0]!.type, broken[0]!.detail, broken.flatMap((r) => r.errors));
}

const label = (m: CaseRecord['materials'][number]) => `${m.materialId}（${m.name}）`;
const outstanding = (m: CaseRecord['materials'][number]) => m.required && (m.status === 'missing' || m.status === 'incorrect');

/** The notice's faults: materials off the checklist, materials a later notice may not add, required materials it leaves out. */
export function checkNotice(c: CaseRecord, b: Notice): void {
  const ids = b.items.map((i) => i.materialId);
  const later: Rule = { type: p['not-in-one-time-notice'], detail: msg('一次性告知后，再次告知只能针对补正所交材料的问题。', 'After the one-time notice, a later notice names only defects of the materials the supplement handed in.'), errors: [] };
  // A required material still missing may always be named: a notice given before this rule may have left it out.
  if (c.supplied) {
    ids.forEach((id, i) => {
      const m = c.materials.find((x) => x.materialId === id);
      if (m && !c.supplied!.includes(id) && !outstanding(m)) {
        later.errors.push({ path: `/body/items/${i}/materialId`, code: 'not_in_supplement', message: msg(`${id} 不是补正时提交的材料，不得追加告知`, `${id} was not handed in with the supplement; nothing else may be added to the one-time notice`) });
      }
    });
  }
  const omitted = c.materials.filter((m) => outstanding(m) && !ids.includes(m.materialId));
  refuseFirst([
    { type: p['application-invalid'], detail: msg('告知书列出的材料不在清单上或重复，见 errors。', 'The notice names materials off the checklist or twice; see errors.'), errors: checklistErrors(c.materials.map((m) => m.materialId), ids, '/body/items') },
    later,
    {
      type: p['notice-incomplete'],
      detail: msg(`一次性告知须列明全部缺失或有误的必需材料，遗漏：${omitted.map(label).join('、')}。`, `The one-time notice names every required material missing or incorrect; it leaves out ${omitted.map((m) => m.materialId).join(', ')}.`),
      errors: omitted.map((m) => ({ path: '/body/items', code: 'omitted', message: msg(`遗漏了 ${label(m)}`, `${m.materialId} (${m.name}) is ${m.status} and not in the notice`) })),
    },
  ]);
}

/** The pledge's faults, and its deadline against the promised date when the center does not allow it to run past. */
export function checkPledge(c: CaseRecord, b: Pledge, now: string): void {
  const listed = new Set(b.missing.map((m) => m.materialId));
  const invalid = checklistErrors(c.materials.map((m) => m.materialId), b.missing.map((m) => m.materialId), '/body/missing');
  for (const m of c.materials) {
    if (listed.has(m.materialId) && m.status === 'provided') invalid.push({ path: '/body/missing', code: 'provided', message: msg(`${m.materialId} 已提交；只有缺失的材料才能承诺`, `${m.materialId} was handed in; only missing materials are pledged`) });
  }
  if (b.consent.at > now || b.consent.at < c.createdAt) {
    invalid.push({ path: '/body/consent/at', code: 'out_of_range', message: msg('承诺书签署时间须在收件之后、当前时间之前', 'the pledge is signed after the application was received and not in the future') });
  }
  const notTolerable = c.materials.filter((m) => listed.has(m.materialId) && m.status !== 'provided' && !m.tolerable);
  const unpledged = c.materials.filter((m) => outstanding(m) && !listed.has(m.materialId));
  refuseFirst([
    { type: p['pledge-invalid'], detail: msg('容缺承诺清单或承诺书有误，见 errors。', 'The pledge does not fit the case; see errors.'), errors: invalid },
    {
      type: p['material-not-tolerable'],
      detail: msg(`本事项不允许容缺的材料不能承诺后补：${notTolerable.map(label).join('、')}（申请表和主要材料不可容缺）。`, `Only materials the item marks tolerable may be pledged, never the application form or a main material: ${notTolerable.map((m) => m.materialId).join(', ')}.`),
      errors: notTolerable.map((m) => ({ path: '/body/missing', code: 'not_tolerable', message: msg(`${label(m)} 不可容缺`, `${m.materialId} (${m.name}) is not tolerable`) })),
    },
    {
      type: p['pledge-incomplete'],
      detail: msg(`缺失的必需材料须全部提交或承诺，未承诺：${unpledged.map(label).join('、')}。`, `Every missing required material is handed in or pledged; not pledged: ${unpledged.map((m) => m.materialId).join(', ')}.`),
      errors: unpledged.map((m) => ({ path: '/body/missing', code: 'incomplete', message: msg(`${label(m)}缺失且未列入承诺`, `${m.materialId} (${m.name}) is missing and not pledged`) })),
    },
  ]);
}

/** 409 when the pledge deadline falls after the promised decision date and the center does not allow it. */
export function checkPledgeWithinPromise(pledgeDue: string, promisedDue: string | undefined, mayPass: boolean): void {
  if (mayPass || promisedDue === undefined || pledgeDue <= promisedDue) return;
  throw new HttpProblem(
    p['pledge-past-promised-limit'],
    msg(`容缺承诺期限 ${pledgeDue} 晚于承诺办结日期 ${promisedDue}；本中心不允许承诺期限超过承诺时限。`, `The pledge deadline ${pledgeDue} falls after the promised decision date ${promisedDue}; the center does not allow a pledge past the promised limit.`),
    [{ path: '/body/missing', code: 'past_promised_limit', message: msg(`承诺期限 ${pledgeDue} 晚于 ${promisedDue}`, `pledge deadline ${pledgeDue} is after ${promisedDue}`) }],
  );
}
