/**
 * The events the evaluation domain consumes, named once: the rules' event
 * patterns (infra/stacks/evaluation.ts) and the consumers' own checks
 * (invite.ts, counting.ts) both read them.
 */
export const invitationTrigger = { source: 'onestop.cases', detailType: 'CaseCompleted' } as const;

/** A visit to a window ended (the hall's queue): its evaluation (一次一评) for the applicant identified there. */
export const visitTrigger = { source: 'onestop.queue', detailType: 'VisitEnded' } as const;

/** Its own events that change the figures: those carrying `data.counts` (rules.ts decides which). */
export const countingTrigger = { source: 'onestop.evaluation' } as const;
