/**
 * The events the cases domain consumes, named once: the rule's event pattern
 * (infra/stacks/onestop-stack.ts) and the consumer's own check (recount.ts)
 * both read it.
 */
export const calendarTrigger = { source: 'onestop.org', detailType: 'CalendarChanged' } as const;
