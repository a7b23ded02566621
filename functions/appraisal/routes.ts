import type { RouteSpec } from '#shared/route-spec';
import {
  AppealBody, AppealDecisionBody, AppealList, AppealPath, Appeal, IndicatorTable, IndicatorTableBody, MonthPath, MonthQuery, MyScore,
  PublicSummary, PublicSummaryQuery, ScoreSet, ScoresQuery,
} from '#schemas/api/appraisal';

export const appraisalRoutes = [
  {
    operationId: 'getAppraisalIndicators', method: 'GET', path: '/appraisal/indicators', access: 'jwt', accountCheck: 'inline',
    summary: 'The indicator table in force in the caller\'s center (考核指标): the default or the center\'s own',
    responses: { 200: IndicatorTable },
  },
  {
    operationId: 'putAppraisalIndicators', method: 'PUT', path: '/appraisal/indicators', access: 'jwt', accountCheck: 'inline',
    summary: 'Set the center\'s indicator table (If-Match once it exists): weights summing to 100, rules over the appraisal counts; months closed from then on use it',
    body: IndicatorTableBody, responses: { 200: IndicatorTable, 201: IndicatorTable },
  },
  {
    operationId: 'closeAppraisalMonth', method: 'POST', path: '/appraisal/months/{month}/close', access: 'jwt', accountCheck: 'inline',
    summary: 'Close an ended month now (the schedule closes it shortly after it ends): scores every department, window and staff member and publishes them; 201 when this call closed it, 200 when it was closed',
    params: MonthPath, responses: { 200: ScoreSet, 201: ScoreSet },
  },
  {
    operationId: 'getMyAppraisalScore', method: 'GET', path: '/appraisal/scores/me', access: 'jwt', accountCheck: 'inline',
    summary: 'The caller\'s own score of a closed month, with the indicators, the appeal deadline and their appeal',
    query: MonthQuery, responses: { 200: MyScore },
  },
  {
    operationId: 'listAppraisalScores', method: 'GET', path: '/appraisal/scores', access: 'jwt', accountCheck: 'inline',
    summary: 'A closed month\'s scores with rankings: supervisors and center admins all; a dept head the own department and its staff',
    query: ScoresQuery, responses: { 200: ScoreSet },
  },
  {
    operationId: 'appealAppraisalScore', method: 'POST', path: '/appraisal/scores/me/appeal', access: 'jwt', accountCheck: 'inline',
    summary: 'Appeal one\'s own score (考核申诉) within the center\'s working days of its publication (default 5); once a month',
    body: AppealBody, responses: { 201: Appeal },
  },
  {
    operationId: 'listAppraisalAppeals', method: 'GET', path: '/appraisal/appeals', access: 'jwt', accountCheck: 'inline',
    summary: 'A month\'s appeals, for the supervisor to decide',
    query: MonthQuery, responses: { 200: AppealList },
  },
  {
    operationId: 'decideAppraisalAppeal', method: 'POST', path: '/appraisal/appeals/{month}/{username}/decide', access: 'jwt', accountCheck: 'inline',
    summary: 'Decide an appeal: upheld with the adjusted score and the reason (the rankings follow), or rejected with the reason',
    params: AppealPath, body: AppealDecisionBody, responses: { 200: Appeal },
  },
  {
    operationId: 'getPublicAppraisalSummary', method: 'GET', path: '/public/appraisal/{month}', access: 'public',
    summary: 'A closed month\'s appraisal in numbers: subjects scored and not ranked per kind, staff per score band; no names',
    params: MonthPath, query: PublicSummaryQuery, responses: { 200: PublicSummary },
  },
] as const satisfies readonly RouteSpec[];
