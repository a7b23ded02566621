/**
 * A route of the HTTP API, declared once per domain in `<domain>/routes.ts`
 * with the schemas of its inputs and outputs. From these declarations:
 *  - the CDK app builds the API Gateway routes and their authorizers;
 *  - the HTTP stack validates path, query and body before the operation runs,
 *    and types the operation's input;
 *  - schemas/openapi.ts writes the OpenAPI document.
 */
import type { TSchema } from '@sinclair/typebox';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/public/items/{code}`. */
  readonly path: string;
  /** `public` routes carry no authorizer; every other route needs a valid JWT. */
  readonly access: 'public' | 'jwt';
  readonly summary: string;
  readonly params?: TSchema;
  readonly query?: TSchema;
  /** The JSON body; with `optionalBody`, an absent body is validated as `{}`. */
  readonly body?: TSchema;
  readonly optionalBody?: boolean;
  /** The operation changes a versioned resource: If-Match is required (428 without it). */
  readonly ifMatch?: boolean;
  /** Success status → body schema. */
  readonly responses: Readonly<Record<number, TSchema>>;
}
