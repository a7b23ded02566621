/**
 * A small resolver for the CloudFormation intrinsics a synthesized CDK template
 * uses (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split and the
 * pseudo parameters), with the local cloud's naming rules from the contract:
 * tables, queues, buses, functions = their logical id; buckets = the logical id
 * lowercased; ARNs are fake ones in account 000000000000 / us-east-1.
 *
 * Resolution is lazy: the local cloud resolves only the properties it uses, so
 * resources it never runs (IAM roles, log groups, custom resources) cannot break
 * start-up. Anything it does not understand fails loudly with the resource and
 * property named, rather than guessing a value.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { Type?: string; Default?: unknown }>;
}

export class IntrinsicError extends Error {
  override name = 'IntrinsicError';
}

/** Where a value sits, for error messages: `CatalogFunctionX.Environment.Variables.TABLE_NAME`. */
export type Where = string;

/** The local physical name of a resource (what `Ref` gives for named resources). */
export function physicalName(logicalId: string, type: string): string {
  return type === 'AWS::S3::Bucket' ? logicalId.toLowerCase() : logicalId;
}

const arnPrefix = (service: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}`;

/** Fake but well-formed ARNs, shaped like the real ones so code that parses ARNs keeps working. */
export function resourceArn(logicalId: string, type: string): string {
  const name = physicalName(logicalId, type);
  switch (type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return `${arnPrefix('dynamodb')}:table/${name}`;
    case 'AWS::Lambda::Function':
      return `${arnPrefix('lambda')}:function:${name}`;
    case 'AWS::SQS::Queue':
      return `${arnPrefix('sqs')}:${name}`;
    case 'AWS::Events::EventBus':
      return `${arnPrefix('events')}:event-bus/${name}`;
    case 'AWS::Events::Rule':
      return `${arnPrefix('events')}:rule/${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::SecretsManager::Secret':
      return `${arnPrefix('secretsmanager')}:secret:${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
    case 'AWS::Cognito::UserPool':
      return `${arnPrefix('cognito-idp')}:userpool/${LOCAL_REGION}_${name}`;
    case 'AWS::Pipes::Pipe':
      return `${arnPrefix('pipes')}:pipe/${name}`;
    case 'AWS::Lambda::LayerVersion':
      // A layer version ARN: arn:aws:lambda:<region>:<account>:layer:<name>:<version>.
      return `${arnPrefix('lambda')}:layer:${name}:1`;
    default: {
      // arn:aws:<service>:...:<resource-type>/<name>, e.g. AWS::Logs::LogGroup → logs / loggroup.
      const [, service = 'unknown', kind = 'resource'] = type.split('::');
      return `${arnPrefix(service.toLowerCase())}:${kind.toLowerCase()}/${name}`;
    }
  }
}

/** The name back from a local ARN or name (`...:table/Foo` → `Foo`, `...:event-bus/Bus` → `Bus`). */
export function nameFromArn(arnOrName: string): string {
  if (!arnOrName.startsWith('arn:')) return arnOrName;
  const resource = arnOrName.split(':').slice(5).join(':');
  const m = /^(?:table|event-bus|rule|pipe|secret|function|layer)[/:]([^/:]+)/.exec(resource);
  return m?.[1] ?? resource.split(/[/:]/).pop() ?? resource;
}

export class Resolver {
  constructor(
    private readonly template: CfnTemplate,
    private readonly stackName = 'OneStop-local',
    /** Replaces `{{resolve:secretsmanager:<id>...}}` dynamic references; none configured = error. */
    private readonly secretValue?: (secretId: string, jsonKey: string) => string,
  ) {}

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region': return LOCAL_REGION;
      case 'AWS::AccountId': return LOCAL_ACCOUNT;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.stackName;
      case 'AWS::StackId': return `${arnPrefix('cloudformation')}:stack/${this.stackName}/00000000-0000-0000-0000-000000000000`;
      default: return undefined;
    }
  }

  ref(name: string, where: Where): string {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    const param = this.template.Parameters?.[name];
    if (param) {
      if (param.Default === undefined) throw new IntrinsicError(`${where}: Ref to parameter ${name}, which has no default`);
      return String(param.Default);
    }
    const res = this.template.Resources[name];
    if (!res) throw new IntrinsicError(`${where}: Ref to unknown resource ${name}`);
    switch (res.Type) {
      // Resources whose Ref is an ARN or URL rather than a name.
      case 'AWS::SecretsManager::Secret':
      case 'AWS::Pipes::Pipe':
      case 'AWS::Lambda::LayerVersion':
        return resourceArn(name, res.Type);
      case 'AWS::SQS::Queue':
        return `http://sqs.${LOCAL_REGION}.localhost/${LOCAL_ACCOUNT}/${name}`;
      case 'AWS::Cognito::UserPool':
        return `${LOCAL_REGION}_${name}`;
      case 'AWS::Cognito::UserPoolResourceServer':
        return String(this.resolve(res.Properties?.Identifier, `${name}.Identifier`));
      default:
        return physicalName(name, res.Type);
    }
  }

  getAtt(logicalId: string, attr: string, where: Where): string {
    const res = this.template.Resources[logicalId];
    if (!res) throw new IntrinsicError(`${where}: Fn::GetAtt on unknown resource ${logicalId}`);
    const name = physicalName(logicalId, res.Type);
    if (attr === 'Arn') return resourceArn(logicalId, res.Type);
    const key = `${res.Type}.${attr}`;
    switch (key) {
      case 'AWS::DynamoDB::Table.StreamArn':
      case 'AWS::DynamoDB::GlobalTable.StreamArn':
        // The real label comes from DynamoDB Local at run time; the pipe maps this ARN back to its table.
        return `${resourceArn(logicalId, res.Type)}/stream/local`;
      case 'AWS::SQS::Queue.QueueName':
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
      case 'AWS::Lambda::LayerVersion.LayerVersionArn':
        return this.ref(logicalId, where);
      case 'AWS::S3::Bucket.DomainName':
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${name}.s3.${LOCAL_REGION}.amazonaws.com`;
      case 'AWS::Cognito::UserPool.ProviderURL':
        return `cognito-idp.${LOCAL_REGION}.amazonaws.com/${this.ref(logicalId, where)}`;
      case 'AWS::Cognito::UserPool.ProviderName':
        return `cognito-idp.${LOCAL_REGION}.amazonaws.com/${this.ref(logicalId, where)}`;
      case 'AWS::Cognito::UserPool.UserPoolId':
        return this.ref(logicalId, where);
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `https://${name}.execute-api.${LOCAL_REGION}.amazonaws.com`;
      case 'AWS::ApiGatewayV2::Api.ApiId':
        return name;
      default:
        throw new IntrinsicError(`${where}: Fn::GetAtt ${logicalId}.${attr} (${res.Type}) is not supported by the local cloud`);
    }
  }

  /** Resolves every intrinsic in `value`; `where` names the resource and property for errors. */
  resolve(value: unknown, where: Where): unknown {
    if (typeof value === 'string') return this.dynamicRefs(value, where);
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${where}[${i}]`)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1], where);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = this.resolve(v, `${where}.${k}`);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** Like resolve, for properties that must end up a string. */
  resolveString(value: unknown, where: Where): string {
    const r = this.resolve(value, where);
    if (typeof r !== 'string' && typeof r !== 'number' && typeof r !== 'boolean') {
      throw new IntrinsicError(`${where}: expected a string, got ${JSON.stringify(r)}`);
    }
    return String(r);
  }

  private intrinsic(fn: string, arg: unknown, where: Where): unknown {
    const at = `${where} (${fn})`;
    switch (fn) {
      case 'Ref': {
        if (arg === 'AWS::NoValue') return NO_VALUE;
        return this.ref(String(arg), at);
      }
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg.map((a) => this.resolveString(a, at)) : String(arg).split(/\.(.*)/s);
        if (!id || !attr) throw new IntrinsicError(`${at}: malformed Fn::GetAtt ${JSON.stringify(arg)}`);
        return this.getAtt(id, attr, at);
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError(`${at}: malformed Fn::Join`);
        const list = this.resolve(arg[1], at);
        if (!Array.isArray(list)) throw new IntrinsicError(`${at}: Fn::Join needs a list`);
        // Join first, then expand dynamic references: CDK splits `{{resolve:...}}` across list items.
        return this.dynamicRefs(list.map((v) => this.resolveString(v, at)).join(String(arg[0])), at);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError(`${at}: malformed Fn::Select`);
        const list = this.resolve(arg[1], at);
        const index = Number(this.resolve(arg[0], at));
        if (!Array.isArray(list) || !(index in list)) throw new IntrinsicError(`${at}: Fn::Select index ${index} out of range`);
        return list[index];
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError(`${at}: malformed Fn::Split`);
        return this.resolveString(arg[1], at).split(String(arg[0]));
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
        if (typeof text !== 'string') throw new IntrinsicError(`${at}: malformed Fn::Sub`);
        const out = text.replace(/\$\{(!?)([^}]+)\}/g, (_m, bang: string, name: string) => {
          if (bang) return `\${${name}}`; // ${!Literal} stands for the literal text ${Literal}
          if (name in vars) return this.resolveString(vars[name], `${at}.${name}`);
          const dot = name.indexOf('.');
          if (dot > 0 && !name.startsWith('AWS::')) return this.getAtt(name.slice(0, dot), name.slice(dot + 1), at);
          return this.ref(name, at);
        });
        return this.dynamicRefs(out, at);
      }
      default:
        throw new IntrinsicError(`${at}: intrinsic ${fn} is not supported by the local cloud`);
    }
  }

  /** `{{resolve:secretsmanager:<secret-id>:SecretString:<json-key>:<stage>:<version>}}` → local secret. */
  private dynamicRefs(text: string, where: Where): string {
    if (!text.includes('{{resolve:')) return text;
    return text.replace(/\{\{resolve:([a-z-]+):(.*?)\}\}/g, (_m, service: string, ref: string) => {
      if (service !== 'secretsmanager') {
        throw new IntrinsicError(`${where}: dynamic reference {{resolve:${service}:...}} is not supported by the local cloud`);
      }
      if (!this.secretValue) throw new IntrinsicError(`${where}: a secretsmanager dynamic reference needs a secret store`);
      // The secret id is an ARN (7 colon-separated parts) or a plain name; the rest are optional fields.
      const parts = ref.split(':');
      const idParts = ref.startsWith('arn:') ? 7 : 1;
      const secretId = parts.slice(0, idParts).join(':');
      const [, jsonKey = ''] = parts.slice(idParts);
      return this.secretValue(secretId, jsonKey);
    });
  }
}

/** Marker for `Ref: AWS::NoValue`: the property is dropped. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
