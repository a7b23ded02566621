// s3rver 3.7 ships no types; only what local/emulators/s3.ts uses.
declare module 's3rver' {
  interface S3rverOptions {
    port?: number;
    address?: string;
    directory?: string;
    silent?: boolean;
    allowMismatchedSignatures?: boolean;
    resetOnClose?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** The part of Koa's request context the local cloud reads. */
  export interface S3rverContext {
    readonly method: string;
    readonly path: string;
    readonly query: Record<string, string | string[] | undefined>;
    readonly headers: Record<string, string | string[] | undefined>;
    readonly ip: string;
    readonly status: number;
    /** The response body before serialization (s3rver's XML as an object). */
    readonly body: unknown;
    /** The request target as received (raw path and query), before s3rver's vhost rewrite. */
    readonly originalUrl: string;
    /** Route parameters: set by s3rver's router (and by local/s3/request-checks.ts before it, for CORS on a refusal). */
    params?: { bucket?: string; key?: string };
    readonly store: S3rverStore;
  }

  /** The part of s3rver's FilesystemStore (lib/stores/filesystem.js) the local cloud calls. */
  export interface S3rverStore {
    existsObject(bucket: string, key: string): Promise<boolean>;
  }

  export type S3rverMiddleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void> | void;

  /** The record s3rver's S3Event model (lib/models/event.js) builds; see local/emulators/s3.ts for its quirks. */
  export interface S3rverEventRecord {
    eventVersion: string;
    eventSource: string;
    awsRegion: string;
    eventTime: string;
    /** `ObjectCreated:Put` | `ObjectCreated:Post` | `ObjectCreated:Copy` | `ObjectRemoved:Delete` (multipart completion is reported as Post). */
    eventName: string;
    userIdentity: { principalId: string };
    requestParameters: { sourceIPAddress: string };
    responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
    s3: {
      s3SchemaVersion: string;
      configurationId: string;
      bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
      /** key: as stored (not URL-encoded); size for created objects; eTag for Put and Post only. */
      object: { key: string; size?: number; eTag?: string; sequencer: string };
    };
  }

  /** S3rver extends Koa: the server instance is the Koa application (and an EventEmitter). */
  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<{ address: string; port: number; family: string }>;
    close(): Promise<void>;
    reset(): void;
    /** Koa's middleware stack; composed when the server starts listening (in run()). */
    readonly middleware: S3rverMiddleware[];
    /** Emitted for PUT, POST, COPY, multipart completion and DELETE of an object (not for DeleteObjects). */
    on(event: 'event', listener: (event: { Records: S3rverEventRecord[] }) => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
  }
}

// Internals of s3rver 3.7 used by local/s3/request-checks.ts (CommonJS; no "exports" map restricts them).
declare module 's3rver/lib/models/error.js' {
  /** s3rver's error: its Koa onerror handler renders it as S3's XML (<Error><Code/><Message/>…detail…</Error>) with its status. */
  export default class S3Error extends Error {
    constructor(code: string, message?: string, detail?: Record<string, string | number>);
    readonly code: string;
    readonly status: number;
    readonly detail: Record<string, string | number>;
  }
}

declare module 's3rver/lib/models/account.js' {
  /** The accounts s3rver knows, by access key id (only S3RVER/S3RVER, built in). */
  export default class AWSAccount {
    static readonly registry: Map<string, AWSAccount>;
    readonly accessKeys: Map<string, string>;
  }
}

declare module 's3rver/lib/middleware/cors.js' {
  import type { S3rverMiddleware } from 's3rver';
  /** Sets the CORS response headers of the bucket in ctx.params.bucket (answers preflights itself). */
  export default function cors(): S3rverMiddleware;
}
