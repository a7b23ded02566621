/**
 * The business rules of the notifications domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme); the OpenAPI
 * document lists them.
 */
import { defineProblems } from '#schemas/api/problems';

export const notificationsProblems = defineProblems({});
