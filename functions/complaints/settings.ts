/**
 * The complaint time limits and the staff threshold of a center: the
 * deployment's defaults (local practice: decide on acceptance within 2
 * working days, reply within 5, rate and ask for a review within 5 each; two
 * substantiated complaints in a year suggest the staff member leaves the
 * window), unless the center admin set the center's own (PUT
 * /complaint-settings). Pure.
 */
import type { ComplaintSettingsBody } from '#schemas/api/complaints';
import type { Item } from '#shared/db';

export type ComplaintSettings = ComplaintSettingsBody;

export const defaultSettings: ComplaintSettings = { acceptWorkingDays: 2, replyWorkingDays: 5, rateWorkingDays: 5, reviewWorkingDays: 5, staffRemovalThreshold: 2 };

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 60;

/** The settings in force: each of the item's values that is a whole number of 1–60 (the API writes narrower ones), else the default. */
export function settingsOf(item: Item | undefined): ComplaintSettings {
  const own = Object.fromEntries(Object.keys(defaultSettings).flatMap((k) => (positive(item?.[k]) ? [[k, item![k]]] : [])));
  return { ...defaultSettings, ...own };
}
