/**
 * CDK assertions, part 2: HTTP API routes and authorizer, the functions and
 * their environment, Cognito, stack outputs (contract: /tmp/contract.md).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../infra/routes.ts';
import { stageConfig } from '../../infra/config.ts';
import { BUCKET_NOTIFICATIONS_HANDLER } from '../../infra/constructs/consumer.ts';
import { userRoles } from '../../schemas/api/common.ts';
import { logicalIdByPath, resourcesOf, synthTemplate } from './synth.ts';

const SYNTH_TIMEOUT = 60_000;
let dev: Template;
let prod: Template;

beforeAll(() => {
  dev = synthTemplate('dev');
  prod = synthTemplate('prod');
}, SYNTH_TIMEOUT);

describe('HTTP API throttling', () => {
  const limits = (t: { rateLimit: number; burstLimit: number }) => ({ ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit });
  const stageOf = (template: Template) => Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'))[0]!.Properties!;

  it('gives prod\'s stage the province model\'s peak (50 intakes/s × 25 requests = 1 250 req/s) with headroom, within API Gateway\'s regional limits', () => {
    const stage = stageOf(prod);
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 1_500, ThrottlingBurstLimit: 3_000 });
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThanOrEqual(50 * 25);
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeLessThanOrEqual(10_000);
    expect(stage.DefaultRouteSettings.ThrottlingBurstLimit).toBeLessThanOrEqual(5_000);
  });

  it('throttles every public route below the stage (the lookups tightest; HTTP APIs take no WAF), and no signed-in route', () => {
    for (const [template, stageName] of [[dev, 'dev'], [prod, 'prod']] as const) {
      const config = stageConfig(stageName);
      const stage = stageOf(template);
      const expected = Object.fromEntries(apiRoutes.filter((r) => r.access === 'public').map((r) => [
        `${r.method} ${r.path}`, limits(r.throttle === 'publicLookup' ? config.publicLookupThrottle : config.publicRouteThrottle),
      ]));
      expect(Object.keys(expected), stageName).toEqual(expect.arrayContaining(['GET /public/items', 'GET /public/items/{code}', 'GET /public/cases/{caseNo}']));
      expect(stage.RouteSettings, stageName).toEqual(expected);
      expect(stage.RouteSettings['GET /public/cases/{caseNo}'], stageName).toEqual(limits(config.publicLookupThrottle));
      for (const route of Object.values(stage.RouteSettings) as { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }[]) {
        expect(route.ThrottlingRateLimit, stageName).toBeLessThan(config.throttle.rateLimit);
        expect(route.ThrottlingBurstLimit, stageName).toBeLessThan(config.throttle.burstLimit);
      }
    }
  });
});

describe('HTTP API', () => {
  const accessByKey = new Map(apiRoutes.map((r) => [`${r.method} ${r.path}`, r.access]));

  /** The HTTP API's routes (the hall's WebSocket API has routes of its own: tests/infra/hall.test.ts). */
  const httpRoutes = (t: Template) => {
    const [httpApiId] = Object.entries(resourcesOf(t, 'AWS::ApiGatewayV2::Api')).find(([, a]) => a.Properties!.ProtocolType === 'HTTP')!;
    return Object.values(resourcesOf(t, 'AWS::ApiGatewayV2::Route')).filter((r) => r.Properties!.ApiId?.Ref === httpApiId);
  };

  it('has exactly one route per apiRoutes RouteSpec', () => {
    const keys = httpRoutes(dev).map((r) => r.Properties!.RouteKey as string);
    expect([...keys].sort()).toEqual([...accessByKey.keys()].sort());
  });

  it('uses the JWT authorizer on every non-public route and none on public ones', () => {
    const authorizers = resourcesOf(dev, 'AWS::ApiGatewayV2::Authorizer');
    const [authorizerId] = Object.keys(authorizers);
    for (const route of httpRoutes(dev)) {
      const key = route.Properties!.RouteKey as string;
      const access = accessByKey.get(key);
      if (access === 'public') {
        expect(route.Properties!.AuthorizationType, key).toBe('NONE');
        expect(route.Properties!.AuthorizerId, key).toBeUndefined();
      } else {
        expect(route.Properties!.AuthorizationType, key).toBe('JWT');
        expect(route.Properties!.AuthorizerId, key).toEqual({ Ref: authorizerId });
      }
    }
    expect(apiRoutes.some((r) => r.access === 'public')).toBe(true);
    expect(apiRoutes.some((r) => r.access === 'jwt')).toBe(true);
  });

  it('verifies Cognito JWTs (issuer of the pool, audience = the apps\' client, then the systems\' clients)', () => {
    dev.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('^UserPoolUserPoolClient') }, { Ref: Match.stringLikeRegexp('^UserPoolServicehotline12345') }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: logicalIdByPath(dev, 'UserPool') }]] },
      },
    });
  });

  it('has a throttled default stage with JSON access logs and a CORS preflight', () => {
    const stage = Object.values(resourcesOf(dev, 'AWS::ApiGatewayV2::Stage'))[0]!.Properties!;
    const throttle = stageConfig('dev').throttle;
    expect(stage.StageName).toBe('$default');
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit });
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format.requestId).toBe('$context.requestId');
    dev.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowHeaders: Match.arrayWith(['authorization', 'if-match', 'idempotency-key']) }),
    });
  });
});

describe('functions', () => {
  const expectedEnv: Record<string, string[]> = {
    CatalogFunction: ['TABLE_NAME', 'CURSOR_KEY', 'DEFAULT_CENTER_ID'],
    OrgFunction: ['TABLE_NAME', 'USER_POOL_ID', 'DEFAULT_CENTER_ID'],
    ApplicantsFunction: ['TABLE_NAME', 'USER_POOL_ID', 'DEFAULT_CENTER_ID'],
    AuditApiFunction: ['TABLE_NAME', 'CURSOR_KEY'],
    AuditConsumerFunction: ['TABLE_NAME'],
    AuditDigestFunction: ['TABLE_NAME', 'AUDIT_BUCKET', 'AUDIT_SIGNING_KEY_ID'],
    CasesFunction: ['TABLE_NAME', 'CURSOR_KEY', 'QUERY_CODE_KEY', 'DEFAULT_CENTER_ID'],
    CaseSweepFunction: ['TABLE_NAME'],
    CaseRecountFunction: ['TABLE_NAME'],
    CasePaymentGateFunction: ['TABLE_NAME'],
    CaseWatchFunction: ['TABLE_NAME'],
    SupervisionFunction: ['TABLE_NAME', 'CURSOR_KEY', 'DEFAULT_CENTER_ID'],
    SupervisionCardsFunction: ['TABLE_NAME'],
    SupervisionCompletionsFunction: ['TABLE_NAME'],
    SupervisionOrderWatchFunction: ['TABLE_NAME'],
    EvaluationFunction: ['TABLE_NAME', 'CURSOR_KEY', 'DEFAULT_CENTER_ID', 'EVALUATION_DEFAULTS'],
    EvaluationInviteFunction: ['TABLE_NAME', 'EVALUATION_DEFAULTS'],
    EvaluationCountFunction: ['TABLE_NAME'],
    EvaluationSweepFunction: ['TABLE_NAME', 'EVALUATION_DEFAULTS'],
    EvaluationWatchFunction: ['TABLE_NAME'],
    NotificationsFunction: ['TABLE_NAME', 'MAIL_FROM', 'QUERY_CODE_KEY'],
    DocumentsFunction: ['TABLE_NAME', 'CURSOR_KEY', 'MATERIALS_BUCKET', 'ARCHIVE_BUCKET', 'ARCHIVE_LOCK_MODE', 'DEFAULT_CENTER_ID'],
    MaterialCheckFunction: ['TABLE_NAME', 'MATERIALS_BUCKET'],
    DocumentIssueFunction: ['TABLE_NAME', 'MATERIALS_BUCKET', 'CJK_FONT_PATH', 'PUBLIC_BASE_URL', 'QUERY_CODE_KEY', 'DOCUMENT_SIGNING_KEY_ID'],
    LicenceWatchFunction: ['TABLE_NAME'],
    RenewalWatchFunction: ['TABLE_NAME'],
    ArchiveFunction: ['TABLE_NAME', 'MATERIALS_BUCKET', 'ARCHIVE_BUCKET', 'ARCHIVE_LOCK_MODE'],
    NotificationsApiFunction: ['TABLE_NAME'],
    StaffNoticesFunction: ['TABLE_NAME', 'MAIL_FROM'],
    QueueFunction: ['TABLE_NAME', 'CURSOR_KEY'],
    // SERVICE_CLIENTS: dev names the demo center's 12345 hotline (prod none: the function is told of no system).
    ComplaintsFunction: ['TABLE_NAME', 'CURSOR_KEY', 'SERVICE_CLIENTS'],
    ComplaintSweepFunction: ['TABLE_NAME'],
    FeesFunction: ['TABLE_NAME'],
    FeesWatchFunction: ['TABLE_NAME'],
    AppraisalFunction: ['TABLE_NAME', 'DEFAULT_CENTER_ID'],
    QueueCountFunction: ['TABLE_NAME'],
    AppointmentSweepFunction: ['TABLE_NAME'],
    HallSocketFunction: ['TABLE_NAME'],
    HallPushFunction: ['TABLE_NAME', 'HALL_SOCKET_ENDPOINT'],
  };

  /** Functions that read whole files get more memory and time than the default 512 MB / 10 s. */
  const sizing: Record<string, [number, number]> = {
    MaterialCheckFunction: [1024, 60], DocumentIssueFunction: [1024, 30], ArchiveFunction: [1024, 300], HallSocketFunction: [256, 10], HallPushFunction: [256, 10],
  };

  it('every Lambda is nodejs24.x on arm64 with active tracing, the common env and the stack\'s one function log group', () => {
    // CDK's bucket-notifications handler is a deploy-time custom resource, not one of ours.
    const fns = Object.fromEntries(Object.entries(resourcesOf(prod, 'AWS::Lambda::Function')).filter(([id]) => !id.startsWith(BUCKET_NOTIFICATIONS_HANDLER)));
    expect(Object.keys(fns)).toHaveLength(Object.keys(expectedEnv).length);
    const logGroups = resourcesOf(prod, 'AWS::Logs::LogGroup');
    for (const [id, fn] of Object.entries(fns)) {
      const p = fn.Properties!;
      expect(p.Runtime, id).toBe('nodejs24.x');
      expect(p.Architectures, id).toEqual(['arm64']);
      expect(p.TracingConfig, id).toEqual({ Mode: 'Active' });
      const [memory, timeout] = Object.entries(sizing).find(([name]) => id.startsWith(name))?.[1] ?? [512, 10];
      expect(p.MemorySize, id).toBe(memory);
      expect(p.Timeout, id).toBe(timeout);
      expect(p.Environment.Variables, id).toMatchObject({
        POWERTOOLS_SERVICE_NAME: expect.any(String),
        LOG_LEVEL: 'INFO',
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      });
      const logGroupId = p.LoggingConfig.LogGroup.Ref;
      expect(logGroups[logGroupId]?.Properties?.RetentionInDays, id).toBe(365);
      expect(logGroupId, id).toBe(logicalIdByPath(prod, 'FunctionLogs'));
    }
  });

  it.each(Object.entries(expectedEnv))('%s gets exactly the env vars of the contract', (constructId, names) => {
    const fn = dev.toJSON().Resources[logicalIdByPath(dev, constructId)];
    const vars = fn.Properties.Environment.Variables;
    const common = ['POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL', 'METRICS_NAMESPACE', 'AWS_REQUEST_CHECKSUM_CALCULATION', 'AWS_RESPONSE_CHECKSUM_VALIDATION'];
    // A function bound to the table gets the stage's DynamoDB attempt timeout with it.
    const withTable = names.includes('TABLE_NAME') ? ['DYNAMODB_ATTEMPT_TIMEOUT_MS'] : [];
    expect(Object.keys(vars).sort()).toEqual([...common, ...names, ...withTable].sort());
    expect(vars.TABLE_NAME).toEqual({ Ref: logicalIdByPath(dev, 'Table') });
    if (withTable.length) expect(vars.DYNAMODB_ATTEMPT_TIMEOUT_MS).toBe(String(stageConfig('dev').dynamodbAttemptTimeoutMs));
    if (names.includes('CURSOR_KEY')) {
      expect(JSON.stringify(vars.CURSOR_KEY)).toContain('{{resolve:secretsmanager:');
      expect(JSON.stringify(vars.CURSOR_KEY)).toContain(logicalIdByPath(dev, 'CursorKeySecret'));
    }
    // The query-code key reaches exactly the functions that print, send or check a code (the sweeper only counts generations).
    if (names.includes('QUERY_CODE_KEY')) {
      expect(JSON.stringify(vars.QUERY_CODE_KEY)).toContain('{{resolve:secretsmanager:');
      expect(JSON.stringify(vars.QUERY_CODE_KEY)).toContain(logicalIdByPath(dev, 'QueryCodeKeySecret'));
    }
    if (names.includes('DEFAULT_CENTER_ID')) expect(vars.DEFAULT_CENTER_ID).toBe('center-demo');
  });

  it('API Gateway, EventBridge and S3 may invoke a function only from this API, that rule or that bucket', () => {
    const permissions = Object.entries(resourcesOf(dev, 'AWS::Lambda::Permission'));
    for (const [id, permission] of permissions) {
      expect(permission.Properties!.SourceArn, id).toBeDefined();
      expect(['apigateway.amazonaws.com', 'events.amazonaws.com', 's3.amazonaws.com'], id).toContain(permission.Properties!.Principal);
    }
    const fromS3 = permissions.filter(([, p]) => p.Properties!.Principal === 's3.amazonaws.com');
    expect(fromS3.map(([, p]) => p.Properties!.SourceArn)).toEqual([{ 'Fn::GetAtt': [logicalIdByPath(dev, 'MaterialsBucket'), 'Arn'] }]);
    expect(fromS3.map(([, p]) => p.Properties!.FunctionName)).toEqual([{ 'Fn::GetAtt': [logicalIdByPath(dev, 'MaterialCheckFunction'), 'Arn'] }]);
  });

  it('the cursor key is a generated 64-character secret without punctuation', () => {
    dev.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 64 } });
  });

  it('no function may Scan the table or use AWS managed policies', () => {
    for (const policy of Object.values(resourcesOf(dev, 'AWS::IAM::Policy'))) {
      expect(JSON.stringify(policy.Properties!.PolicyDocument)).not.toContain('dynamodb:Scan');
    }
    for (const [id, role] of Object.entries(resourcesOf(dev, 'AWS::IAM::Role'))) {
      if (id.startsWith(BUCKET_NOTIFICATIONS_HANDLER)) continue;
      expect(role.Properties!.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe('Cognito', () => {
  it('has the groups of the contract', () => {
    const names = Object.values(resourcesOf(dev, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties!.GroupName);
    expect(names.sort()).toEqual([...userRoles].sort());
    expect([...userRoles].sort()).toEqual(['applicant', 'approver', 'auditor', 'center_admin', 'clerk', 'dept_admin', 'dept_head', 'finance', 'supervisor']);
  });

  it('has the custom attributes, a strong password policy, optional TOTP MFA and admin-only sign-up', () => {
    dev.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'centerId', AttributeDataType: 'String' }),
        Match.objectLike({ Name: 'departmentId', AttributeDataType: 'String' }),
        Match.objectLike({ Name: 'departmentIds', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' } }),
      ]),
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }) },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    prod.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' }, DeletionProtection: 'ACTIVE' });
  });

  it('has a public SRP client that cannot write the scoping attributes', () => {
    const client = Object.values(resourcesOf(dev, 'AWS::Cognito::UserPoolClient'))[0]!.Properties!;
    expect(client.GenerateSecret).toBe(false);
    expect(client.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    expect(client.AllowedOAuthFlows).toBeUndefined();
    expect(client.WriteAttributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
    expect(client.ReadAttributes).toEqual(expect.arrayContaining(['custom:centerId', 'custom:departmentId', 'custom:departmentIds']));
  });
});

describe('outputs', () => {
  it.each(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'EventBusName', 'MaterialsBucketName', 'ArchiveBucketName', 'AuditBucketName', 'TableName'])(
    '%s exists', (name) => {
      expect(Object.keys(dev.findOutputs(name))).toEqual([name]);
    },
  );
});

describe('least-privilege table access', () => {
  const statementsOf = (roleIdPrefix: string) =>
    Object.entries(resourcesOf(dev, 'AWS::IAM::Policy'))
      .filter(([, p]) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(roleIdPrefix)))
      .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((st) => [st.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));

  it('the audit consumer may only read a chain head and put items (the log is append-only)', () => {
    expect(statementsOf('AuditConsumerFunctionRole')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(statementsOf('AuditDigestFunctionRole')).not.toContain('dynamodb:UpdateItem');
  });

  it('no function may delete, batch-write or scan', () => {
    for (const prefix of ['CatalogFunctionRole', 'OrgFunctionRole', 'ApplicantsFunctionRole', 'AuditApiFunctionRole', 'AuditConsumerFunctionRole', 'AuditDigestFunctionRole']) {
      const actions = statementsOf(prefix);
      expect(actions.length, prefix).toBeGreaterThan(0);
      for (const forbidden of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Scan', 'dynamodb:*']) {
        expect(actions, prefix).not.toContain(forbidden);
      }
    }
  });
});
