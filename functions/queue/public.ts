/** What other domains may use of the queue domain (the architecture rule: tests/unit/architecture.test.ts). */
export { appointmentNotice, type AppointmentNotice } from './appointments/public.ts';
export { slipMatches } from './rules.ts';
export { clerkEntryKey, clerkWindow, onlyWindow } from './clerk-window.ts';
export { queueAppraisalSource } from './stats/appraisal.ts';
