/**
 * A route of the HTTP API, declared once per domain in `<domain>/routes.ts`.
 * The CDK app builds the API Gateway routes from these declarations and the
 * domain handler binds each operationId to its use-case, so a route exists in
 * exactly one list.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/public/items/{code}`. */
  readonly path: string;
  /** `public` routes carry no authorizer; every other route needs a valid JWT. */
  readonly access: 'public' | 'jwt';
  readonly summary: string;
}
