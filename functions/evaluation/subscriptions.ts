/**
 * The events the evaluation domain consumes, named once: the rule's event
 * pattern (infra/stacks/evaluation.ts) and the consumer's own check
 * (invite.ts) both read it.
 */
export const invitationTrigger = { source: 'onestop.cases', detailType: 'CaseCompleted' } as const;
