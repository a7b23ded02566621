/**
 * Per-stage settings. Everything that differs between dev, prod and the local
 * cloud lives here; constructs read it and never branch on the stage name.
 * Alarm thresholds and the alarm topic's subscribers are here too (`alarms`).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { OidcClaims } from '../functions/applicants/identity/oidc.ts';
import type { ServiceRole } from '../schemas/api/common.ts';

export const stageNames = ['dev', 'prod', 'local'] as const;
export type StageName = (typeof stageNames)[number];

export interface ObjectLockSettings {
  /** GOVERNANCE can be lifted by a privileged principal (test stages); COMPLIANCE cannot, not even by root. */
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly days: number;
}

/**
 * The stage's alarms (infra/constructs/monitoring.ts; the runbook of each is in
 * docs/operations.md, "Alarms"). Counts that should be zero (dead letters,
 * function errors, throttles, pipe failures) alarm at the first one and are
 * not settings.
 */
export interface AlarmSettings {
  /** E-mail addresses subscribed to the stage's alarm topic (each confirms once by mail); may be empty. */
  readonly emails: readonly string[];
  /**
   * The alarm topic's encryption: a customer-managed KMS key whose policy lets CloudWatch publish,
   * or SNS's AWS-managed key where the stage creates no KMS key (the local cloud: never deployed,
   * and CloudWatch could not publish through that key in AWS).
   */
  readonly topicKey: 'customer-managed' | 'aws-managed';
  /** HTTP API: 5xx answers as a share of requests (percent) in 5 minutes … */
  readonly apiServerErrorPercent: number;
  /** … counted only from this many requests in those 5 minutes (one 504 among 3 requests is not a rate). */
  readonly apiMinRequests: number;
  /** HTTP API: p99 latency above this in 2 of 3 five-minute periods. */
  readonly apiLatencyP99: Duration;
  /** A consumer's oldest event waiting for (another) invocation (Lambda AsyncEventAge): well below maxEventAge, past which it is dead-lettered. */
  readonly consumerEventAge: Duration;
  /**
   * A work queue's oldest message (SQS ApproximateAgeOfOldestMessage of a queue a function consumes
   * through an event source mapping, e.g. the audit log's): older means its consumer is stuck,
   * failing or too slow for the load.
   */
  readonly workQueueAge: Duration;
  /**
   * No successful audit digest run within this long alarms. The digest runs at 00:15 center time
   * (auditDigestSchedule), so 24 h 45 min = "yesterday's digest missing at 01:00".
   */
  readonly auditDigestWindow: Duration;
}

/** A payment provider speaking functions/fees/provider/protocol.ts (an adapter of the port per provider). */
export interface PaymentGatewaySettings {
  /** https: the provider's API base. */
  readonly baseUrl: string;
  /** The center's merchant id at the provider. */
  readonly merchantId: string;
  /** The Secrets Manager secret (name; the operator creates it) whose plain-text value is the merchant's API key. */
  readonly apiKeySecretName: string;
  /** The provider's published public keys (PEM) by serial: notifications are checked with these; two while it rotates. */
  readonly publicKeys: Readonly<Record<string, string>>;
  /** Where the provider calls back, when not the API's own `/payments/notify` (a custom domain). */
  readonly notifyUrl?: string;
}

/** An OpenID Connect provider that redeems registration tickets (functions/applicants/identity/oidc.ts). */
export interface IdentityOidcSettings {
  /** https; its tokens' `iss` exactly, and `<issuer>/.well-known/openid-configuration` its discovery document. */
  readonly issuer: string;
  /** The client the provider registered for this stage. */
  readonly clientId: string;
  /** The redirect URI registered with that client, which the registering client's authorization request names. */
  readonly redirectUri: string;
  /** The Secrets Manager secret (name; the operator creates it) whose plain-text value is the client secret. */
  readonly clientSecretName: string;
  /** How the client authenticates at the token endpoint. @default 'client_secret_basic' */
  readonly clientAuth?: 'client_secret_basic' | 'client_secret_post';
  /** Claim names and the acr values' levels where the provider's differ from the defaults (`levels` replaces the default map). */
  readonly claims?: Partial<OidcClaims>;
}

export interface StageConfig {
  readonly stage: StageName;
  /** Retention of every Lambda and API access log group. */
  readonly logRetention: RetentionDays;
  /** Applied to stateful resources (table, buckets, log groups, secret, user pool). */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB table and Cognito user pool deletion protection. */
  readonly deletionProtection: boolean;
  /** HTTP API default stage throttling (requests per second, burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** The center a request falls back to when it names none (public guide pages). */
  readonly defaultCenterId: string;
  /** Lambda LOG_LEVEL (Powertools). */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Object Lock default retention of the archive bucket (case archive bundles). */
  readonly archiveRetention: ObjectLockSettings;
  /** Object Lock default retention of the audit bucket (daily digests). */
  readonly auditRetention: ObjectLockSettings;
  /** Browser origins allowed by the API's CORS preflight and the materials bucket's CORS. */
  readonly allowedOrigins: readonly string[];
  /** Cognito Plus tier with enforced threat protection (billed per MAU, so prod only). */
  readonly cognitoThreatProtection: boolean;
  /** Async edges: maximum event age for EventBridge rule targets and Lambda async invokes. */
  readonly maxEventAge: Duration;
  /** How often the case sweeper looks for deemed acceptances and lapsed 容缺 pledges (day-granular deadlines). */
  readonly caseSweepSchedule: string;
  /** How often the case and order watchers look at their clocks: thresholds are day boundaries, so every minute keeps each within a minute. */
  readonly caseWatchSchedule: string;
  /** When the audit digest seals the previous day (schedules run in UTC: 16:15 UTC is 00:15 in Asia/Shanghai). */
  readonly auditDigestSchedule: string;
  /**
   * Who signs the audit digests and the issued documents: an asymmetric KMS key each,
   * or a key kept in a secret each (the local cloud has no KMS).
   */
  readonly signingKeys: 'kms' | 'secret';
  /** Sender of applicant email (its domain is a verified SES identity). */
  readonly mailFrom: string;
  /** Throttling of the public case-progress lookup (requests per second, burst), tighter than the stage's. */
  readonly publicLookupThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Throttling of each other public route (requests per second, burst; each route its own bucket):
   * anonymous traffic cannot take the whole stage and starve signed-in staff and applicants.
   */
  readonly publicRouteThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** How often the evaluation sweeper counts unrated evaluations as satisfied (day-granular deadlines). */
  readonly evaluationSweepSchedule: string;
  /**
   * How long one DynamoDB attempt may take before the SDK gives it up and tries
   * again (three attempts, inside the function's timeout). DynamoDB answers in
   * milliseconds; DynamoDB Local on a loaded laptop can stall for seconds.
   */
  readonly dynamodbAttemptTimeoutMs: number;
  /** Evaluation time limits in working days unless a center sets its own (好差评: rate within 5, call back in 1, rectify in 15). */
  readonly evaluationDefaults: { readonly ratingWorkingDays: number; readonly callBackWorkingDays: number; readonly rectificationWorkingDays: number };
  /** Alarm topic subscribers and thresholds (docs/operations.md, "Alarms"). */
  readonly alarms: AlarmSettings;
  /**
   * The identity provider whose adapter redeems registration tickets (IDENTITY_PROVIDER,
   * functions/applicants/identity/verifier.ts). `simulator` exists only in the local cloud;
   * `oidc` is the OpenID Connect provider `identityOidc` describes. None: registration
   * answers 503 registration-not-offered rather than trust typed-in numbers.
   */
  readonly identityProvider: 'simulator' | 'oidc' | undefined;
  /** The provider of `identityProvider: 'oidc'` (README, "Real-name verification in a deployment"). */
  readonly identityOidc?: IdentityOidcSettings;
  /**
   * The payment provider of the fees domain (PAYMENT_* of functions/fees/provider/configured.ts).
   * `simulator`: the local cloud's (local/payments/), whose URL, merchant and keys the local
   * cloud sets. None: a payment notice with a sum due, a refund and a notification answer
   * 503 payments-not-offered; charges are still assessed and waived.
   */
  readonly paymentProvider?: 'simulator' | PaymentGatewaySettings;
  /**
   * Systems that call the API as themselves (OAuth client credentials): each gets an app
   * client of the user pool granted its role's scope (serviceRoles, schemas/api/common.ts),
   * the API's authorizer accepts its tokens, and the functions whose routes it may call
   * learn which client is which system of which center (SERVICE_CLIENTS, functions/shared/auth.ts).
   */
  readonly serviceClients: readonly ServiceClientSettings[];
  /** The user pool's Cognito domain (its OAuth token endpoint): needed by a deployed stage with service clients; unique in the region. */
  readonly authDomainPrefix?: string;
}

/** A system that calls the API as itself for one center (StageConfig.serviceClients). */
export interface ServiceClientSettings {
  /** Its name: the username its actions are recorded under. */
  readonly name: string;
  readonly role: ServiceRole;
  readonly centerId: string;
}

const alarmThresholds = {
  topicKey: 'customer-managed',
  apiServerErrorPercent: 1,
  apiMinRequests: 20,
  apiLatencyP99: Duration.seconds(3),
  consumerEventAge: Duration.minutes(15),
  workQueueAge: Duration.minutes(15),
  auditDigestWindow: Duration.minutes(24 * 60 + 45),
} as const;

const common = {
  defaultCenterId: 'center-demo',
  maxEventAge: Duration.hours(2),
  caseSweepSchedule: 'rate(15 minutes)',
  caseWatchSchedule: 'rate(1 minute)',
  auditDigestSchedule: 'cron(15 16 * * ? *)',
  signingKeys: 'kms',
  publicLookupThrottle: { rateLimit: 10, burstLimit: 20 },
  publicRouteThrottle: { rateLimit: 25, burstLimit: 50 },
  evaluationSweepSchedule: 'rate(15 minutes)',
  dynamodbAttemptTimeoutMs: 2_500,
  evaluationDefaults: { ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15 },
  mailFrom: 'noreply@onestop.example.gov.cn',
  identityProvider: undefined,
  serviceClients: [],
} as const;

const dev: StageConfig = {
  ...common,
  stage: 'dev',
  logRetention: RetentionDays.TWO_WEEKS,
  removalPolicy: RemovalPolicy.DESTROY,
  deletionProtection: false,
  throttle: { rateLimit: 50, burstLimit: 100 },
  logLevel: 'DEBUG',
  archiveRetention: { mode: 'GOVERNANCE', days: 1 },
  auditRetention: { mode: 'GOVERNANCE', days: 1 },
  allowedOrigins: ['*'],
  cognitoThreatProtection: false,
  alarms: { ...alarmThresholds, emails: [] },
  // The demo center's 12345 hotline; a placeholder prefix, changed where it is taken in the region.
  serviceClients: [{ name: 'hotline-12345', role: 'hotline', centerId: 'center-demo' }],
  authDomainPrefix: 'onestop-dev-auth',
};

const configs: Record<StageName, StageConfig> = {
  // The local cloud runs dev's settings, with room for benchmarks.
  local: { ...dev, stage: 'local', logRetention: RetentionDays.ONE_WEEK, throttle: { rateLimit: 100, burstLimit: 200 }, caseSweepSchedule: 'rate(1 minute)', auditDigestSchedule: 'rate(1 minute)', signingKeys: 'secret', evaluationSweepSchedule: 'rate(1 minute)', dynamodbAttemptTimeoutMs: 8_000, alarms: { ...dev.alarms, topicKey: 'aws-managed' }, identityProvider: 'simulator', paymentProvider: 'simulator' },
  dev,
  prod: {
    ...common,
    stage: 'prod',
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    // The province model (issue 13): 100 centers × 80 000 cases a month = 8 000 000 intakes a month;
    // over 22 working days × 8 h = 633 600 s that is 12.6 intakes/s on average, 50/s at the peak (4×).
    // Each intake at the peak brings ~25 API requests (the intake itself, the guide read before it, the
    // clerks' queue reads and transitions, lists, uploads, the applicant's own reads and the lookups):
    // 50 × 25 = 1 250 req/s. The stage takes that with 20 % headroom, 1 250 × 1.2 = 1 500 req/s, and a
    // burst of two seconds of it, 3 000 (under API Gateway's regional 10 000 req/s, burst 5 000).
    throttle: { rateLimit: 1_500, burstLimit: 3_000 },
    // Public catalog reads at the peak: ~3 guide pages per intake (the list, one or two guides) and as
    // many again from visitors who do not apply: 50 × 3 × 2 = 300 req/s on the busiest public route,
    // burst 600; the answers carry Cache-Control, so browsers repeat few of them.
    publicRouteThrottle: { rateLimit: 300, burstLimit: 600 },
    logLevel: 'INFO',
    // 30 years: long-term retention of licensing case files; 10 years of audit digests.
    archiveRetention: { mode: 'COMPLIANCE', days: 30 * 365 },
    auditRetention: { mode: 'COMPLIANCE', days: 10 * 365 },
    allowedOrigins: ['https://onestop.example.gov.cn'],
    cognitoThreatProtection: true,
    // A placeholder: the operations team's list, replaced before the first production deploy.
    alarms: { ...alarmThresholds, emails: ['ops@onestop.example.gov.cn'] },
  },
};

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (stageNames as readonly string[]).includes(value);
}

/** The settings of a stage; an unknown stage is an error that names the valid ones. */
export function stageConfig(stage: unknown = 'dev'): StageConfig {
  if (!isStageName(stage)) {
    throw new Error(`Unknown stage ${JSON.stringify(stage)}: use -c stage=${stageNames.join('|')}`);
  }
  const config = configs[stage];
  checkIdentitySettings(config);
  checkPaymentSettings(config);
  return config;
}

const isHttps = (url: string) => URL.canParse(url) && new URL(url).protocol === 'https:';

/** Refuses identity settings a stage cannot register with. */
export function checkIdentitySettings(config: StageConfig): void {
  const { stage, identityProvider, identityOidc: oidc } = config;
  // The simulator vouches for any identity it is asked to: a deployed stage would let anyone register any number.
  if (identityProvider === 'simulator' && stage !== 'local') throw new Error(`stage ${stage}: the identity simulator is for the local cloud only`);
  if (config.serviceClients.length && stage !== 'local' && !config.authDomainPrefix) throw new Error(`stage ${stage}: service clients need authDomainPrefix, the user pool's token endpoint`);
  if (identityProvider === 'oidc' && !(oidc && isHttps(oidc.issuer) && isHttps(oidc.redirectUri) && oidc.clientId && oidc.clientSecretName)) {
    throw new Error(`stage ${stage}: identityProvider 'oidc' needs identityOidc: an https issuer and redirect URI, the client id and the client secret's name`);
  }
}

/** Refuses payment settings a stage cannot take money with. */
export function checkPaymentSettings(config: StageConfig): void {
  const { stage, paymentProvider: p } = config;
  // The simulator pays whatever it is asked to: a deployed stage would record money nobody paid.
  if (p === 'simulator' && stage !== 'local') throw new Error(`stage ${stage}: the payment simulator is for the local cloud only`);
  if (typeof p === 'object' && !(isHttps(p.baseUrl) && p.merchantId && p.apiKeySecretName && Object.keys(p.publicKeys).length > 0 && (p.notifyUrl === undefined || isHttps(p.notifyUrl)))) {
    throw new Error(`stage ${stage}: paymentProvider needs an https baseUrl, the merchant id, the API key's secret name and at least one public key`);
  }
}
