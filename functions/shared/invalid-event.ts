/**
 * An event a consumer refuses: its detail does not match its detail-type's
 * schema, or it is not an event the consumer listens to. The consumer throws
 * it with every reason, so after the bounded retries the event lands in the
 * dead-letter queue with them — never silently dropped.
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}
