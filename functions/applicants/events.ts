/** Who and what the applicants domain's events name. */
export const source = 'onestop.applicants' as const;
export const applicantActor = (sub: string) => ({ id: sub, role: 'applicant' as const });
export const subjectOf = (applicantId: string) => ({ type: 'applicant', id: applicantId });
