/**
 * The queue's defaults, apart from its schemas (queue.ts): the domain's store
 * and rules name them without building the queue's API.
 */

/** How many times a ticket is called before it counts as missed, unless its category says otherwise. */
export const DEFAULT_CALLS_BEFORE_MISSED = 3;
