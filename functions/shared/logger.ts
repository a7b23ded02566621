import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger per container. Log lines carry ids, route keys and
 * statuses only: never bodies, tokens or personal data.
 */
export const logger = new Logger();
