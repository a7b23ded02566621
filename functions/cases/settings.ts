/**
 * The center's settings of the case rules, with their defaults: the one place
 * a rule reads them. They live on the center's profile (`caseRules`, which the
 * org domain maintains); a center that says nothing gets the defaults.
 */
import type { Item } from '#shared/db';

export interface CaseSettings {
  /** Whether a 容缺 pledge may run past the promised decision date (承诺时限). */
  readonly pledgeMayPassPromisedLimit: boolean;
  /** Working days to answer a supplement notice, for items that set none. */
  readonly supplementWorkingDays: number;
}

export const defaultCaseSettings: CaseSettings = {
  pledgeMayPassPromisedLimit: false,
  // Six weeks: long enough to obtain a certificate from another agency, short enough that a
  // forgotten application does not stay open in the window's queue for a season.
  supplementWorkingDays: 30,
};

/** The settings on a center profile item (undefined: no profile), each field defaulted on its own. */
export function caseSettingsOf(profile: Item | undefined): CaseSettings {
  const set = (profile?.caseRules ?? {}) as Partial<CaseSettings>;
  return {
    pledgeMayPassPromisedLimit: typeof set.pledgeMayPassPromisedLimit === 'boolean' ? set.pledgeMayPassPromisedLimit : defaultCaseSettings.pledgeMayPassPromisedLimit,
    supplementWorkingDays: Number.isInteger(set.supplementWorkingDays) && set.supplementWorkingDays! > 0 ? set.supplementWorkingDays! : defaultCaseSettings.supplementWorkingDays,
  };
}
