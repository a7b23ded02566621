/**
 * Typed errors every domain throws; the HTTP stack maps them to RFC 9457
 * problem details in one place (functions/shared/http.ts).
 */
import type { FieldError } from '#schemas/api/common';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: readonly FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
  get type(): string {
    return `https://onestop.example.gov.cn/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }
}

export const badRequest = (detail: string, errors?: readonly FieldError[]) => new HttpProblem(400, 'Bad Request', detail, errors);
export const validationFailed = (errors: readonly FieldError[]) =>
  new HttpProblem(400, 'Validation Failed', 'The request does not match its schema; see errors.', errors);
export const unauthorized = () => new HttpProblem(401, 'Unauthorized', 'A valid bearer token is required.');
export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);
export const conflict = (detail: string) => new HttpProblem(409, 'Conflict', detail);
export const preconditionFailed = (detail: string) => new HttpProblem(412, 'Precondition Failed', detail);
export const payloadTooLarge = (limit: number) => new HttpProblem(413, 'Payload Too Large', `The body exceeds ${limit} bytes.`);
export const unsupportedMediaType = () =>
  new HttpProblem(415, 'Unsupported Media Type', 'Send the body as application/json.');
export const unprocessable = (detail: string, errors?: readonly FieldError[]) =>
  new HttpProblem(422, 'Unprocessable Content', detail, errors);
export const preconditionRequired = () =>
  new HttpProblem(428, 'Precondition Required', 'Send If-Match with the ETag of the version you read.');
