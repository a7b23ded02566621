/**
 * Typed errors every domain throws; the HTTP stack maps them to RFC 9457
 * problem details in one place (functions/shared/http.ts). Each carries a
 * problem type (schemas/api/problems.ts or the domain's problems.ts) and a
 * detail in both languages; the stack answers in the caller's.
 */
import { genericProblems as p, problemUri, type ProblemType, type Text } from '#schemas/api/problems';

/** A field at fault: where (a JSON Pointer into the request), a machine-readable code, and what people read. */
export interface FieldFault {
  readonly path: string;
  readonly code: string;
  readonly message: Text;
}

export class HttpProblem extends Error {
  constructor(
    readonly problem: ProblemType,
    readonly detailText?: Text,
    readonly errors?: readonly FieldFault[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detailText?.en ?? problem.title.en);
    this.name = 'HttpProblem';
  }
  get status(): number {
    return this.problem.status;
  }
  get type(): string {
    return problemUri(this.problem.slug);
  }
  /** The English detail (logs and tests); responses use the caller's language. */
  get detail(): string | undefined {
    return this.detailText?.en;
  }
}

/** The problem of a business rule: `throw problem(caseProblems['materials-missing'], msg('…', '…'))`. */
export const problem = (type: ProblemType, detail: Text, errors?: readonly FieldFault[], headers?: Record<string, string>) =>
  new HttpProblem(type, detail, errors, headers);

export const fault = (path: string, code: string, message: Text): FieldFault => ({ path, code, message });

export const malformed = (detail: Text, errors?: readonly FieldFault[]) => new HttpProblem(p['malformed-request'], detail, errors);
export const validationFailed = (errors: readonly FieldFault[]) =>
  new HttpProblem(p['validation-failed'], { zh: '请求内容不符合要求，见 errors。', en: 'The request does not match its schema; see errors.' }, errors);
export const unauthorized = (detail: Text = { zh: '需要有效的访问令牌。', en: 'A valid bearer token is required.' }) => new HttpProblem(p.unauthorized, detail);
export const forbidden = (detail: Text) => new HttpProblem(p.forbidden, detail);
export const notFound = (detail: Text) => new HttpProblem(p['not-found'], detail);
export const gone = (detail: Text) => new HttpProblem(p.gone, detail);
export const wrongState = (detail: Text) => new HttpProblem(p['wrong-state'], detail);
export const alreadyExists = (detail: Text) => new HttpProblem(p['already-exists'], detail);
export const concurrentRequest = (detail: Text) => new HttpProblem(p['concurrent-request'], detail);
export const preconditionFailed = (detail: Text) => new HttpProblem(p['precondition-failed'], detail);
export const payloadTooLarge = (limit: number) =>
  new HttpProblem(p['payload-too-large'], { zh: `请求体超过 ${limit} 字节。`, en: `The body exceeds ${limit} bytes.` });
export const unsupportedMediaType = () =>
  new HttpProblem(p['unsupported-media-type'], { zh: '请以 application/json 发送请求体。', en: 'Send the body as application/json.' });
export const preconditionRequired = () =>
  new HttpProblem(p['precondition-required'], { zh: '请在 If-Match 中带上所读版本的 ETag。', en: 'Send If-Match with the ETag of the version you read.' });
