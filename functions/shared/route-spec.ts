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
  /** Longer OpenAPI description (Markdown). */
  readonly description?: string;
  readonly params?: TSchema;
  readonly query?: TSchema;
  /** The JSON body; with `optionalBody`, an absent body is validated as `{}`. */
  readonly body?: TSchema;
  readonly optionalBody?: boolean;
  /** The operation changes a versioned resource: If-Match is required (428 without it). */
  readonly ifMatch?: boolean;
  /**
   * `inline`: the operation reads the request's checks (the caller's account
   * status and the Idempotency-Key's record, `req.checks.keys`) in its own first
   * batch read, saving a request, and settles them before anything else; the
   * HTTP stack fails the request if it did not.
   */
  readonly accountCheck?: 'inline';
  /**
   * How a repeated Idempotency-Key is answered: `recorded` (default) with the
   * recorded response; `operation` by the operation itself, which finds the
   * recorded response in `req.idempotency.previous` (e.g. to hand out a fresh
   * presigned URL for the same upload).
   */
  readonly replay?: 'recorded' | 'operation';
  /** The resource can have been destroyed (e.g. with its archive): the route may answer 410 `gone`. */
  readonly gone?: true;
  /** Route throttling tighter than the stage's (e.g. a lookup that must not be brute-forced). */
  readonly throttle?: 'publicLookup';
  /** Header parameters documented in OpenAPI (validated by the operation). */
  readonly headers?: readonly { readonly name: string; readonly description: string }[];
  /** Success status → body schema. */
  readonly responses: Readonly<Record<number, TSchema>>;
  /** Media types of the success body when it is not JSON (the operation answers with a RawBody). */
  readonly produces?: readonly string[];
}
