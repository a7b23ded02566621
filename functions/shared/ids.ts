import { monotonicFactory } from 'ulid';

/** ULIDs: sortable by creation time, so event and record keys sort chronologically. */
export const newId: () => string = monotonicFactory();
