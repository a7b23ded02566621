/**
 * The events the evaluation domain consumes, named once: the rules' event
 * patterns (infra/stacks/evaluation.ts) and the consumers' own checks
 * (invite.ts, counting.ts) both read them.
 */
export const invitationTrigger = { source: 'onestop.cases', detailType: 'CaseCompleted' } as const;

/** Its own events that change the figures: those carrying `data.counts` (rules.ts decides which). */
export const countingTrigger = { source: 'onestop.evaluation' } as const;
