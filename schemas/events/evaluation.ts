/**
 * Events of the evaluation domain (source `onestop.evaluation`, subject
 * `evaluation` / evaluationId): one per transition of the evaluation table
 * (functions/evaluation/lifecycle.ts), sharing one data shape, the center's
 * settings, and the thresholds of a bad review's task clocks. The rater is named by applicantId only (so that the
 * notification domain can reach them): never by name, and the comment stays
 * on the evaluation item.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed, ApplicantId, CaseNo, DepartmentId, ItemCode, WindowId } from '../api/common.ts';
import { EvaluationId, EvaluationState, EvaluationType, IndicatorSet, Indicators, Level, Month, SettingsBody } from '../api/evaluation.ts';
import { envelope } from './envelope.ts';

const LocalDate = Type.String({ format: 'date' });

/**
 * The monthly counters of the figures (好差评统计): each evaluation event that counts carries its deltas.
 * `badDue` and `badFixedOnTime` (a bad review's rectification due, and done by its due date) count in
 * the month the rectification falls due (`dueMonth`), the others in the month the rating counted in.
 */
export const counterNames = ['total', 'proactive', 'good', 'bad', 'proactiveGood', 'defaulted', 'excluded', 'r1', 'r2', 'r3', 'r4', 'r5', 'fixRated', 'fixGood', 'badDue', 'badFixedOnTime'] as const;
export const dueMonthCounters = ['badDue', 'badFixedOnTime'] as const satisfies readonly (typeof counterNames)[number][];

/**
 * What a change adds to the figures, in the month and dimensions the
 * evaluation was counted under: the counting consumer adds it once per event.
 */
export const CountChange = Type.Object(
  {
    month: Month,
    dueMonth: Type.Optional({ ...Month, description: 'The month the bad review\'s rectification falls due: where `badDue` and `badFixedOnTime` count' }),
    dimensions: Type.Object({
      departmentId: DepartmentId,
      windowId: Type.Optional(WindowId),
      itemCode: Type.Optional(ItemCode),
      staffIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 2, uniqueItems: true, description: 'The staff the evaluation counts for (account ids): a case\'s intake clerk and decider, a visit\'s server' })),
    }, closed),
    delta: Type.Object(Object.fromEntries(counterNames.map((n) => [n, Type.Optional(Type.Integer({ minimum: -1, maximum: 1 }))])), closed),
  },
  closed,
);

export const EvaluationEventData = Type.Object(
  {
    evaluationId: EvaluationId,
    type: EvaluationType,
    indicatorSet: IndicatorSet,
    action: Type.String({ description: 'The action of the evaluation table, or `invite`' }),
    fromState: Type.Optional(EvaluationState),
    toState: EvaluationState,
    departmentId: DepartmentId,
    caseNo: Type.Optional(CaseNo),
    itemCode: Type.Optional(ItemCode),
    windowId: Type.Optional(WindowId),
    // The rater, by id only; absent when an anonymous visitor rates with the ticket slip.
    applicantId: Type.Optional(ApplicantId),
    evaluationVersion: Type.Integer({ minimum: 1 }),
    rateBy: Type.Optional(LocalDate),
    rating: Type.Optional(Level),
    indicators: Type.Optional(Indicators),
    proactive: Type.Optional(Type.Boolean()),
    badReview: Type.Optional(Type.Boolean()),
    callBackDue: Type.Optional(LocalDate),
    rectificationDue: Type.Optional(LocalDate),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'The action\'s input (call-back, measures, appeal, decision…) without free-text comments of the rater' }),
    counts: Type.Optional(CountChange),
  },
  { additionalProperties: false },
);
export type EvaluationEventData = Static<typeof EvaluationEventData>;

export const EvaluationSettingsChangedData = Type.Object(
  { before: Type.Optional(SettingsBody), after: SettingsBody },
  { additionalProperties: false },
);
export type EvaluationSettingsChangedData = Static<typeof EvaluationSettingsChangedData>;

export const evaluationEventTypes = [
  'EvaluationInvited',
  'EvaluationSubmitted',
  'EvaluationDefaulted',
  'ReturnVisitDone',
  'RectificationDone',
  'FixRated',
  'EvaluationAppealed',
  'AppealDecided',
] as const;
export type EvaluationEventType = (typeof evaluationEventTypes)[number];

// ---------------------------------------------------------------------------
// The task clocks of a bad review (回访, 整改), published by the evaluation watcher (functions/evaluation/watch.ts)

export const taskClocks = ['call_back', 'rectification'] as const;
export type TaskClock = (typeof taskClocks)[number];
/** due: from the start of the task's last day; overdue: from the start of the day after it. */
export const taskLevels = ['due', 'overdue'] as const;
export type TaskLevel = (typeof taskLevels)[number];

export const taskThresholdEventTypes = {
  call_back: { due: 'CallBackDue', overdue: 'CallBackOverdue' },
  rectification: { due: 'RectificationDue', overdue: 'RectificationOverdue' },
} as const satisfies Record<TaskClock, Record<TaskLevel, string>>;
export const taskThresholdDetailTypes: readonly string[] = Object.values(taskThresholdEventTypes).flatMap((levels) => Object.values(levels));

export const TaskThresholdReached = Type.Object(
  {
    evaluationId: EvaluationId,
    type: EvaluationType,
    departmentId: DepartmentId,
    caseNo: Type.Optional(CaseNo),
    windowId: Type.Optional(WindowId),
    clock: StringEnum(taskClocks, 'call_back: 回访; rectification: 整改'),
    level: StringEnum(taskLevels),
    thresholdAt: Type.String({ format: 'date-time', description: '00:00 in the center\'s zone of the due day (due) or the day after it (overdue)' }),
    due: LocalDate,
  },
  closed,
);
export type TaskThresholdReached = Static<typeof TaskThresholdReached>;
export const taskThresholdEventSchema = envelope(TaskThresholdReached);

export const evaluationEventSchemas = {
  ...(Object.fromEntries(evaluationEventTypes.map((t) => [t, envelope(EvaluationEventData)])) as Record<
    EvaluationEventType,
    ReturnType<typeof envelope<typeof EvaluationEventData>>
  >),
  EvaluationSettingsChanged: envelope(EvaluationSettingsChangedData),
  ...Object.fromEntries(taskThresholdDetailTypes.map((t) => [t, taskThresholdEventSchema])),
};
