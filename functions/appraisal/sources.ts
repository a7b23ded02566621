/**
 * The domains that contribute counts to the monthly appraisal (考核), each
 * through the `AppraisalSource` its public module exports
 * (functions/shared/appraisal-counts.ts). A month closes over all of them.
 */
import type { AppraisalSource } from '#shared/appraisal-counts';
import { supervisionAppraisalSource } from '../supervision/public.ts';

export const appraisalSources: readonly AppraisalSource[] = [supervisionAppraisalSource];
