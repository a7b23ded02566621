/**
 * The one Lambda construct of the project. Every function is an ESM bundle
 * built locally by esbuild (no Docker; bundles.ts), runs Node 24 on arm64 with active
 * tracing, logs to the stack's function log group, and receives its resources only through
 * the bind* helpers, which set the environment variable and the
 * least-privilege grant together so neither can be forgotten.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { stageMetricsNamespace } from '../../functions/shared/metrics.ts';
import type { StageConfig } from '../config.ts';
import { acknowledge, nagRef } from '../nag.ts';
import { bundledCode, type FunctionEntry } from './bundles.ts';

export type TableAccess = 'read' | 'append' | 'readAppend' | 'readWrite';
export type BucketAccess = 'read' | 'put' | 'readWrite';

const tableActions: Record<TableAccess, readonly string[]> = {
  // No Scan: request paths read by key only (DESIGN §2).
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  // Conditional puts, and GetItem of what they append to (a hash chain's head): the audit log is
  // written once per event and never changed. No Query, no update, no delete.
  append: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  // Reads plus conditional puts of its own items, never an update or a delete (the audit digest).
  readAppend: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem'],
  // No DeleteItem or BatchWriteItem: domains change state through (transactional) puts and updates.
  readWrite: [
    'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem', 'dynamodb:UpdateItem',
  ],
};

export interface DomainFunctionProps {
  /** Entry file, relative to the repository root, e.g. `functions/catalog/handler.ts` (listed in bundles.ts). */
  readonly entry: FunctionEntry;
  /** The business domain: POWERTOOLS_SERVICE_NAME and part of the description. */
  readonly domain: string;
  readonly config: StageConfig;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  readonly description?: string;
}

/**
 * One log group for every function of the stack: Lambda names each stream
 * after its function (YYYY/MM/DD/<function>[<version>]…) and every line
 * carries its domain (`service`), so Logs Insights reads a function, a domain
 * or a request across domains in one place. A group per function was 39 of
 * the stack's 500 resources, CloudFormation's limit, which the stack reached.
 */
const functionLogGroups = new WeakMap<Stack, LogGroup>();

function functionLogGroup(scope: Construct, config: StageConfig): LogGroup {
  const stack = Stack.of(scope);
  let group = functionLogGroups.get(stack);
  if (!group) {
    group = new LogGroup(stack, 'FunctionLogs', { retention: config.logRetention, removalPolicy: config.removalPolicy });
    functionLogGroups.set(stack, group);
  }
  return group;
}

export class DomainFunction extends LambdaFunction {
  /** The execution role (also `role`, typed as the concrete Role for the bind helpers). */
  readonly executionRole: iam.Role;

  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: DomainFunctionProps) {
    const logGroup = functionLogGroup(scope, props.config);
    // Own role instead of AWSLambdaBasicExecutionRole: writes only to the functions' log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id} (${props.domain})`,
    });
    super(scope, id, {
      code: bundledCode(props.entry),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      role,
      description: props.description ?? `OneStop ${props.domain} (${props.entry})`,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.domain,
        LOG_LEVEL: props.config.logLevel,
        METRICS_NAMESPACE: stageMetricsNamespace(props.config.stage),
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      },
    });
    this.executionRole = role;
    this.config = props.config;
    logGroup.grantWrite(role);
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
      'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) support no resource-level permissions; they are the only actions granted on *.');
  }

  /** TABLE_NAME (or `envName`) + item-level access to the table and its indexes. Never Scan. */
  bindTable(table: ITable, access: TableAccess, envName = 'TABLE_NAME'): this {
    this.addEnvironment(envName, table.tableName);
    this.addEnvironment('DYNAMODB_ATTEMPT_TIMEOUT_MS', String(this.config.dynamodbAttemptTimeoutMs));
    const queriesIndexes = access !== 'append';
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [...tableActions[access]],
      resources: queriesIndexes ? [table.tableArn, `${table.tableArn}/index/*`] : [table.tableArn],
    }));
    if (queriesIndexes) {
      acknowledge(this.executionRole, `AwsSolutions-IAM5[Resource::${nagRef(this, table.tableArn)}/index/*]`,
        'Queries on the GSIs of this one table: index ARNs share the table ARN as prefix, and the index set grows with the data model.');
    }
    return this;
  }

  /**
   * MATERIALS_BUCKET (or `envName`) + object access to one bucket. `put` is
   * enough to presign uploads; `read` to presign or stream downloads.
   * `readWrite` is read + put; deleting is granted apart (`allowDelete`).
   */
  bindBucket(bucket: IBucket, access: BucketAccess, envName: string): this {
    this.addEnvironment(envName, bucket.bucketName);
    const objects = bucket.arnForObjects('*');
    if (access !== 'put') {
      this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
      this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    }
    if (access !== 'read') {
      this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    }
    acknowledge(this.executionRole, `AwsSolutions-IAM5[Resource::${nagRef(this, objects)}]`,
      'Object-level actions on the objects of this one bucket; object keys are generated per case at run time.');
    return this;
  }

  /**
   * s3:DeleteObject on the objects under `prefix` of one bucket: the upload
   * check removes what failed, an approved disposition what it destroys.
   * Object Lock still refuses any delete of a locked version.
   */
  allowDelete(bucket: IBucket, prefix: string): this {
    const objects = bucket.arnForObjects(`${prefix}*`);
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [objects] }));
    acknowledge(this.executionRole, `AwsSolutions-IAM5[Resource::${nagRef(this, objects)}]`,
      `Deletes only under ${prefix} of this one bucket; object keys are generated per case at run time.`);
    return this;
  }

  /**
   * A secret's value as an environment variable (a CloudFormation dynamic
   * reference, resolved at deploy time): no runtime Secrets Manager call and
   * no IAM grant. Only for values such as HMAC keys that the function needs on
   * every invocation; a rotation takes effect on the next deployment.
   */
  bindSecretValue(secret: ISecret, envName: string): this {
    this.addEnvironment(envName, secret.secretValue.unsafeUnwrap());
    return this;
  }

  /**
   * USER_POOL_ID (or `envName`) + the admin actions that manage staff accounts
   * in that pool only: create, change attributes and groups, disable, enable, sign out.
   */
  bindUserPool(pool: IUserPool, envName = 'USER_POOL_ID'): this {
    this.addEnvironment(envName, pool.userPoolId);
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminUpdateUserAttributes',
        'cognito-idp:AdminDeleteUserAttributes', 'cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminRemoveUserFromGroup',
        'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser',
        'cognito-idp:AdminUserGlobalSignOut',
      ],
      resources: [pool.userPoolArn],
    }));
    return this;
  }

  /** EVENT_BUS_NAME (or `envName`) + events:PutEvents on that bus only. */
  bindBus(bus: IEventBus, envName = 'EVENT_BUS_NAME'): this {
    this.addEnvironment(envName, bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /**
   * MAIL_FROM + ses:SendEmail from that address's domain identity only (the
   * identity is verified outside the stack: DNS records of the center's domain).
   */
  bindEmailSender(fromAddress: string, envName = 'MAIL_FROM'): this {
    this.addEnvironment(envName, fromAddress);
    const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: domain })],
    }));
    return this;
  }

  /**
   * sns:Publish to phone numbers (SMS). An SMS publish has no resource ARN, so
   * the allow is on `*`; publishing to any topic is denied outright.
   */
  bindSmsSender(): this {
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['sns:Publish'],
      resources: [Stack.of(this).formatArn({ service: 'sns', resource: '*', region: '*', account: '*' })],
    }));
    acknowledge(this.executionRole, 'AwsSolutions-IAM5[Resource::*]',
      'X-Ray trace actions and sns:Publish to phone numbers (an SMS has no resource ARN; publishing to topics is denied) support no resource-level permissions.');
    return this;
  }

  /** A plain setting (not a resource) as an environment variable. */
  bindValue(envName: string, value: string): this {
    this.addEnvironment(envName, value);
    return this;
  }
}
