/**
 * The rules' numbers (时限): how long a rater has before the evaluation counts
 * as satisfied, and when a bad review's call-back and rectification are due.
 * The deployment's defaults per stage arrive in EVALUATION_DEFAULTS
 * (infra/config.ts `evaluationDefaults`: the local rules' 5, 1 and 15 working
 * days — Xinjiang, Liaoning); a center admin may set the center's own
 * (PUT /evaluation-settings), which then win.
 */
import { SettingsBody, type Settings } from '#schemas/api/evaluation';
import { requiredEnv } from '#shared/db';
import { validationErrors } from '#shared/validate';

/** A settings value that does not match its schema: an operator's error the function refuses to guess around. */
export class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';
}

function checked(value: unknown, where: string): SettingsBody {
  const errors = validationErrors(SettingsBody, value);
  if (errors.length) throw new InvalidSettingsError(`${where} is not valid evaluation settings: ${JSON.stringify(errors)}`);
  return value as SettingsBody;
}

let stage: SettingsBody | undefined;

/** The stage's defaults (EVALUATION_DEFAULTS, JSON), checked once per container. */
export function stageDefaults(): SettingsBody {
  stage ??= checked(JSON.parse(requiredEnv('EVALUATION_DEFAULTS')), 'EVALUATION_DEFAULTS');
  return stage;
}

/** The settings in force in a center: its own item when it has one, else the stage's. */
export function effectiveSettings(item: Record<string, unknown> | undefined): Settings {
  if (!item) return { ...stageDefaults(), source: 'stage' };
  const own = checked(
    { ratingWorkingDays: item.ratingWorkingDays, callBackWorkingDays: item.callBackWorkingDays, rectificationWorkingDays: item.rectificationWorkingDays },
    `the settings item of center ${String(item.centerId)}`,
  );
  return {
    ...own,
    source: 'center',
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
    ...(typeof item.updatedBy === 'string' ? { updatedBy: item.updatedBy } : {}),
  };
}

export const settingsBodyOf = (s: Settings): SettingsBody => ({
  ratingWorkingDays: s.ratingWorkingDays,
  callBackWorkingDays: s.callBackWorkingDays,
  rectificationWorkingDays: s.rectificationWorkingDays,
});
