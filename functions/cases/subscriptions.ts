/**
 * The events the cases domain consumes, named once: the rule's event pattern
 * (infra/stacks/onestop-stack.ts) and the consumer's own check (recount.ts)
 * both read it.
 */
export const calendarTrigger = { source: 'onestop.org', detailType: 'CalendarChanged' } as const;
/** The fees domain's gate events: the case waits to pay, and goes on once its charge is settled (payment-gate.ts). */
export const feeGateTrigger = { source: 'onestop.fees', detailTypes: ['ChargeIssued', 'ChargeSettled', 'ChargeExpired', 'ChargeCancelled'] } as const;
