/**
 * Events of the cases domain (source `onestop.cases`): one per lifecycle
 * transition, named by the transition table (functions/cases/lifecycle.ts),
 * plus CaseSubmitted at intake. They share one data shape: what changed, the
 * clock effect and the deadlines after it. No personal data: the applicant is
 * named by id only. No query code: an acceptance and a reissue
 * (QueryCodeReissued, not a transition: the state stays) name its generation
 * (`details.queryCodeGeneration`), from which the receipt's issuer and the
 * notification consumer derive the code.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { ThresholdReached } from '../api/supervision.ts';
import { envelope } from './envelope.ts';
import { ApplicantId, CaseNo, DepartmentId, ItemCode, ServiceMode } from '../api/common.ts';
import { CaseState, ClockEffect, Deadlines } from '../api/case-clock.ts';

export const CaseEventData = Type.Object(
  {
    caseNo: CaseNo,
    action: Type.String({ description: 'The lifecycle action, or `submit` for intake' }),
    fromState: Type.Optional(CaseState),
    toState: CaseState,
    clockEffect: Type.Optional(ClockEffect),
    deadlines: Deadlines,
    itemCode: ItemCode,
    itemName: Type.String(),
    departmentId: DepartmentId,
    jointDepartments: Type.Array(DepartmentId),
    serviceMode: ServiceMode,
    applicantId: ApplicantId,
    caseVersion: Type.Integer({ minimum: 1 }),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'The action\'s input (reasons, notice items, opinion…) and what it set' }),
  },
  { additionalProperties: false },
);
export type CaseEventData = Static<typeof CaseEventData>;

export const caseEventSchema = envelope(CaseEventData);

export const thresholdEventSchema = envelope(ThresholdReached);
