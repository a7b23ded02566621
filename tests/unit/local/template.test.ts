/**
 * The local cloud's reading of a synthesized template: the intrinsic resolver
 * (local naming rules, fake ARNs, secrets) and the model extracted from a small
 * hand-made template shaped like CDK output.
 */
import { describe, expect, it } from 'vitest';
import { IntrinsicError, Resolver, nameFromArn, type CfnTemplate } from '../../../local/intrinsics.ts';
import { asyncInvokeConfig, extractModel } from '../../../local/template.ts';

const template: CfnTemplate = {
  Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
  Resources: {
    TableCD117FA1: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    },
    MaterialsBucket6AC7BAB9: { Type: 'AWS::S3::Bucket', Properties: {} },
    BusEA82B648: { Type: 'AWS::Events::EventBus', Properties: { Name: 'onestop-local' } },
    DlqA1: { Type: 'AWS::SQS::Queue', Properties: {} },
    CursorKeySecret0A692494: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    UserPool6BA7E5F2: { Type: 'AWS::Cognito::UserPool', Properties: {} },
    FnA1: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:asset:path': 'asset.abc' },
      Properties: {
        Handler: 'index.handler',
        Timeout: 7,
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': ['DlqA1', 'Arn'] } },
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: 'TableCD117FA1' },
            BUCKET: { Ref: 'MaterialsBucket6AC7BAB9' },
            BUS_ARN: { 'Fn::GetAtt': ['BusEA82B648', 'Arn'] },
            CURSOR_KEY: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'CursorKeySecret0A692494' }, ':SecretString:::}}']] },
            REGION_SUB: { 'Fn::Sub': '${AWS::Region}/${AWS::AccountId}/${TableCD117FA1}/${BusEA82B648.Arn}/${!Literal}' },
          },
        },
      },
    },
    FnB2: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'main.run' } },
    // As CDK's configureAsyncInvoke writes it.
    FnA1EventInvokeConfig: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: 'FnA1' }, Qualifier: '$LATEST', MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['DlqA1', 'Arn'] } } },
      },
    },
    Rule1: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: { Ref: 'BusEA82B648' },
        EventPattern: { source: [{ prefix: 'onestop.' }] },
        State: 'ENABLED',
        Targets: [{
          Arn: { 'Fn::GetAtt': ['FnA1', 'Arn'] }, Id: 'Target0',
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DlqA1', 'Arn'] } },
        }],
      },
    },
    Pipe: {
      Type: 'AWS::Pipes::Pipe',
      Properties: {
        Source: { 'Fn::GetAtt': ['TableCD117FA1', 'StreamArn'] },
        Target: { 'Fn::GetAtt': ['BusEA82B648', 'Arn'] },
        SourceParameters: {
          DynamoDBStreamParameters: { StartingPosition: 'LATEST', BatchSize: 10, MaximumRetryAttempts: 10, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DlqA1', 'Arn'] } } },
          FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] },
        },
        TargetParameters: {
          EventBridgeEventBusParameters: { Source: '$.dynamodb.NewImage.source.S', DetailType: '$.dynamodb.NewImage.detailType.S' },
          InputTemplate: '<$.dynamodb.NewImage.detail.S>',
        },
      },
    },
  },
};

const secrets = (id: string, key: string) => `secret(${id}|${key})`;
const r = new Resolver(template, 'OneStop-local', secrets);

describe('intrinsic resolver', () => {
  it.each([
    [{ Ref: 'TableCD117FA1' }, 'TableCD117FA1'],
    [{ Ref: 'MaterialsBucket6AC7BAB9' }, 'materialsbucket6ac7bab9'],
    [{ Ref: 'BusEA82B648' }, 'BusEA82B648'],
    [{ Ref: 'AWS::Region' }, 'us-east-1'],
    [{ Ref: 'AWS::AccountId' }, '000000000000'],
    [{ Ref: 'AWS::Partition' }, 'aws'],
    [{ Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    [{ Ref: 'BootstrapVersion' }, '/cdk-bootstrap/hnb659fds/version'],
    [{ 'Fn::GetAtt': ['TableCD117FA1', 'Arn'] }, 'arn:aws:dynamodb:us-east-1:000000000000:table/TableCD117FA1'],
    [{ 'Fn::GetAtt': ['TableCD117FA1', 'StreamArn'] }, 'arn:aws:dynamodb:us-east-1:000000000000:table/TableCD117FA1/stream/local'],
    [{ 'Fn::GetAtt': ['FnA1', 'Arn'] }, 'arn:aws:lambda:us-east-1:000000000000:function:FnA1'],
    [{ 'Fn::GetAtt': ['DlqA1', 'Arn'] }, 'arn:aws:sqs:us-east-1:000000000000:DlqA1'],
    [{ 'Fn::GetAtt': 'BusEA82B648.Arn' }, 'arn:aws:events:us-east-1:000000000000:event-bus/BusEA82B648'],
    [{ 'Fn::GetAtt': ['MaterialsBucket6AC7BAB9', 'Arn'] }, 'arn:aws:s3:::materialsbucket6ac7bab9'],
    [{ 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }, 'b']] }, 'a-us-east-1-b'],
    [{ 'Fn::Select': [1, ['x', { Ref: 'TableCD117FA1' }]] }, 'TableCD117FA1'],
    [{ 'Fn::Select': [0, { 'Fn::Split': ['/', 'p/q/r'] }] }, 'p'],
    [{ 'Fn::Sub': ['${A}-${AWS::Region}', { A: { Ref: 'DlqA1' } }] }, 'http://sqs.us-east-1.localhost/000000000000/DlqA1-us-east-1'],
    [{ 'Fn::Sub': '${!Literal} and ${TableCD117FA1}' }, '${Literal} and TableCD117FA1'],
    [{ 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: 'UserPool6BA7E5F2' }]] }, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_UserPool6BA7E5F2'],
  ])('%j → %s', (input, expected) => {
    expect(r.resolve(input, 'Test.Prop')).toBe(expected);
  });

  it('resolves nested structures and drops AWS::NoValue', () => {
    expect(r.resolve({ a: [{ Ref: 'TableCD117FA1' }, { Ref: 'AWS::NoValue' }], b: { Ref: 'AWS::NoValue' }, c: 1 }, 'X')).toEqual({ a: ['TableCD117FA1'], c: 1 });
  });

  it('replaces a secretsmanager dynamic reference split across Fn::Join by the secret store value', () => {
    const v = r.resolve({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'CursorKeySecret0A692494' }, ':SecretString:::}}']] }, 'X');
    expect(v).toBe('secret(arn:aws:secretsmanager:us-east-1:000000000000:secret:CursorKeySecret0A692494|)');
    expect(r.resolve('{{resolve:secretsmanager:MySecret:SecretString:password::}}', 'X')).toBe('secret(MySecret|password)');
  });

  it.each([
    [{ 'Fn::If': ['C', 'a', 'b'] }, /Fn\.Env \(Fn::If\): intrinsic Fn::If is not supported/],
    [{ 'Fn::ImportValue': 'x' }, /Fn::ImportValue is not supported/],
    [{ Ref: 'Missing' }, /Ref to unknown resource Missing/],
    [{ 'Fn::GetAtt': ['TableCD117FA1', 'Nope'] }, /Fn::GetAtt TableCD117FA1\.Nope \(AWS::DynamoDB::Table\) is not supported/],
    ['{{resolve:ssm:/my/param}}', /dynamic reference \{\{resolve:ssm:\.\.\.\}\} is not supported/],
  ])('fails clearly on %j, naming where', (input, message) => {
    expect(() => r.resolve(input, 'Fn.Env')).toThrow(IntrinsicError);
    expect(() => r.resolve(input, 'Fn.Env')).toThrow(message);
  });

  it('maps local ARNs back to names', () => {
    expect(nameFromArn('arn:aws:events:us-east-1:000000000000:event-bus/BusEA82B648')).toBe('BusEA82B648');
    expect(nameFromArn('arn:aws:dynamodb:us-east-1:000000000000:table/T1')).toBe('T1');
    expect(nameFromArn('default')).toBe('default');
  });
});

describe('model extraction', () => {
  const model = extractModel(template, '/tmp/cdk.out', secrets);

  it('reads tables with stream and TTL, buckets and queues under their local names', () => {
    expect(model.tables).toMatchObject([{ logicalId: 'TableCD117FA1', name: 'TableCD117FA1', streamViewType: 'NEW_IMAGE', ttlAttribute: 'expiresAt' }]);
    expect(model.buckets.map((b) => b.name)).toEqual(['materialsbucket6ac7bab9']);
    expect(model.queues.map((q) => q.name)).toEqual(['DlqA1']);
    expect(model.buses).toEqual(['default', 'BusEA82B648']);
  });

  it('reads functions with their asset, timeout and resolved environment', () => {
    const [fn] = model.functions;
    expect(fn).toMatchObject({ logicalId: 'FnA1', assetDir: '/tmp/cdk.out/asset.abc', handlerExport: 'handler', timeoutSeconds: 7, memoryMb: 128 });
    expect(fn!.environment).toEqual({
      TABLE_NAME: 'TableCD117FA1',
      BUCKET: 'materialsbucket6ac7bab9',
      BUS_ARN: 'arn:aws:events:us-east-1:000000000000:event-bus/BusEA82B648',
      CURSOR_KEY: 'secret(arn:aws:secretsmanager:us-east-1:000000000000:secret:CursorKeySecret0A692494|)',
      REGION_SUB: 'us-east-1/000000000000/TableCD117FA1/arn:aws:events:us-east-1:000000000000:event-bus/BusEA82B648/${Literal}',
    });
  });

  it('reads rules with targets, retry policy and DLQ, and the pipe', () => {
    expect(model.rules).toEqual([expect.objectContaining({
      logicalId: 'Rule1', busName: 'BusEA82B648', enabled: true, eventPattern: { source: [{ prefix: 'onestop.' }] },
      targets: [expect.objectContaining({ id: 'Target0', functionId: 'FnA1', maxRetryAttempts: 3, maxEventAgeSeconds: 600, deadLetterQueue: 'DlqA1' })],
    })]);
    expect(model.pipes).toEqual([expect.objectContaining({
      sourceTable: 'TableCD117FA1', targetBus: 'BusEA82B648', batchSize: 10, maxRetryAttempts: 10, deadLetterQueue: 'DlqA1',
      filterPatterns: ['{"eventName":["INSERT"]}'], source: '$.dynamodb.NewImage.source.S', inputTemplate: '<$.dynamodb.NewImage.detail.S>',
    })]);
  });

  it('reads each function\'s EventInvokeConfig and DeadLetterConfig; without one, Lambda\'s defaults apply', () => {
    const fnA = model.functions.find((f) => f.logicalId === 'FnA1')!;
    const fnB = model.functions.find((f) => f.logicalId === 'FnB2')!;
    expect(fnA.asyncInvoke).toEqual([{ qualifier: '$LATEST', maxRetryAttempts: 1, maxEventAgeSeconds: 120, onFailure: 'DlqA1' }]);
    expect(fnA.deadLetterQueue).toBe('DlqA1');
    expect(asyncInvokeConfig(fnA)).toMatchObject({ maxRetryAttempts: 1, onFailure: 'DlqA1' });
    expect(fnB).toMatchObject({ asyncInvoke: [], deadLetterQueue: undefined, handlerExport: 'run' });
    expect(asyncInvokeConfig(fnB)).toEqual({ qualifier: '$LATEST', maxRetryAttempts: 2, maxEventAgeSeconds: 21_600 });
    // A config for an alias does not apply to unqualified invocations, and vice versa.
    expect(asyncInvokeConfig(fnA, 'live')).toEqual({ qualifier: 'live', maxRetryAttempts: 2, maxEventAgeSeconds: 21_600 });
  });

  it('keeps the qualifier of a rule target that names a version or alias', () => {
    const qualified: CfnTemplate = {
      Resources: {
        ...template.Resources,
        Rule1: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Id: 'T', Arn: { 'Fn::Join': [':', [{ 'Fn::GetAtt': ['FnA1', 'Arn'] }, 'live']] } }] } },
      },
    };
    expect(extractModel(qualified, '/tmp/cdk.out', secrets).rules[0]!.targets[0]).toMatchObject({ functionId: 'FnA1', qualifier: 'live' });
    const first = model.rules[0]!.targets[0]!;
    expect('functionId' in first && first.qualifier).toBeFalsy();
  });

  it('ignores the monitoring resources (alarms, dashboard, alarm topic, its key and subscriptions) and the pipe\'s log configuration', () => {
    // Shaped like infra/constructs/monitoring.ts's output; the local cloud runs none of it.
    const pipe = template.Resources.Pipe!;
    const monitored: CfnTemplate = {
      Resources: {
        ...template.Resources,
        Pipe: { ...pipe, Properties: { ...pipe.Properties, LogConfiguration: { Level: 'ERROR', CloudwatchLogsLogDestination: { LogGroupArn: { 'Fn::GetAtt': ['PipeLogs', 'Arn'] } } } } },
        PipeLogs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } },
        AlarmTopicKey: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
        AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'onestop-local-alarms', KmsMasterKeyId: { 'Fn::GetAtt': ['AlarmTopicKey', 'Arn'] } } },
        AlarmTopicPolicy: { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [{ Ref: 'AlarmTopic' }], PolicyDocument: { Statement: [] } } },
        AlarmTopicSubscription: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', Endpoint: 'ops@onestop.example.gov.cn', TopicArn: { Ref: 'AlarmTopic' } } },
        DlqAlarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DlqA1', 'QueueName'] } }],
            AlarmActions: [{ Ref: 'AlarmTopic' }], OKActions: [{ Ref: 'AlarmTopic' }], Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1,
          },
        },
        Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: { 'Fn::Join': ['', ['{"widgets":[', { Ref: 'FnA1' }, ']}']] } } },
      },
    };
    const withMonitoring = extractModel(monitored, '/tmp/cdk.out', secrets);
    expect(withMonitoring).toEqual(model);
  });

  it.each([
    ['an on-failure destination that is not an SQS queue', { DestinationConfig: { OnFailure: { Destination: 'arn:aws:sns:us-east-1:000000000000:Topic' } } }, /FnA1EventInvokeConfig\.DestinationConfig\.OnFailure\.Destination \(only SQS queues are supported locally\)/],
    ['an on-success destination', { DestinationConfig: { OnSuccess: { Destination: { 'Fn::GetAtt': ['DlqA1', 'Arn'] } } } }, /FnA1EventInvokeConfig\.DestinationConfig\.OnSuccess: on-success destinations are not supported/],
    ['a function that is not in the stack', { FunctionName: 'Elsewhere' }, /FnA1EventInvokeConfig\.FunctionName: Elsewhere is not a AWS::Lambda::Function/],
  ])('stops on %s instead of losing the records', (_what, props, message) => {
    const eic = template.Resources.FnA1EventInvokeConfig!;
    const bad: CfnTemplate = {
      Resources: { ...template.Resources, Topic: { Type: 'AWS::SNS::Topic' }, FnA1EventInvokeConfig: { ...eic, Properties: { ...eic.Properties, ...props } } },
    };
    expect(() => extractModel(bad, '/tmp/cdk.out', secrets)).toThrow(message);
  });

  it('names the resource and property of an unsupported rule target', () => {
    const bad: CfnTemplate = {
      Resources: { ...template.Resources, Topic1: { Type: 'AWS::SNS::Topic', Properties: {} }, Rule1: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Arn: { Ref: 'Topic1' }, Id: 'T' }] } } },
    };
    expect(() => extractModel(bad, '/tmp/cdk.out', secrets)).toThrow(/Rule1\.Targets\[0\]\.Arn: Topic1 is not a AWS::Lambda::Function/);
  });
});
