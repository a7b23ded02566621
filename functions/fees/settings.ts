/**
 * The center's fee waiver categories (收费减免), the one place the fees rules
 * read them. They live on the center's profile (`feeWaivers`, which the org
 * domain maintains); a center that lists none grants no waivers.
 */
import type { FeeWaiverCategory } from '#schemas/api/org';
import { msg } from '#schemas/api/problems';
import type { Item } from '#shared/db';
import type { FieldFault } from '#shared/errors';

/**
 * What the schema cannot say of a center's list (paths under `at`, the org's
 * `/body/feeWaivers`): ids are unique; a percent waiver names its share and a
 * full one none.
 */
export function waiverSettingsErrors(categories: readonly FeeWaiverCategory[], at = '/body/feeWaivers'): FieldFault[] {
  const faults: FieldFault[] = [];
  const seen = new Set<string>();
  categories.forEach((c, i) => {
    if (seen.has(c.categoryId)) faults.push({ path: `${at}/${i}/categoryId`, code: 'duplicate', message: msg(`减免类别 ${c.categoryId} 重复`, `category ${c.categoryId} is listed twice`) });
    seen.add(c.categoryId);
    if (c.kind === 'percent' && c.percent === undefined) faults.push({ path: `${at}/${i}/percent`, code: 'required', message: msg('按比例减征须写明比例', 'a percent waiver names its percent') });
    if (c.kind === 'full' && c.percent !== undefined) faults.push({ path: `${at}/${i}/percent`, code: 'not_of_kind', message: msg('免征不设比例', 'a full waiver has no percent') });
  });
  return faults;
}

/**
 * The categories on a center profile item (undefined: no profile). One that
 * breaks the rules above (stored before they were checked) is left out: a
 * waiver is granted only on terms that say exactly what it takes off.
 */
export function waiverCategoriesOf(profile: Item | undefined): readonly FeeWaiverCategory[] {
  const listed = Array.isArray(profile?.feeWaivers) ? (profile.feeWaivers as FeeWaiverCategory[]) : [];
  const usable = listed.filter((c) => waiverSettingsErrors([c]).length === 0);
  return usable.filter((c, i) => usable.findIndex((o) => o.categoryId === c.categoryId) === i);
}
