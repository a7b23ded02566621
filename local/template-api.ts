/**
 * The HTTP API part of the template: AWS::ApiGatewayV2::Api, its Routes, the
 * Integrations they target (`integrations/<id>`) and the JWT Authorizers they
 * use. Split from template.ts to keep each module small.
 */
import type { CfnResource, CfnTemplate, Resolver } from './intrinsics.ts';

export interface JwtAuthorizerModel {
  readonly logicalId: string;
  /** The issuer the template names (a Cognito URL); the local cloud substitutes its own issuer. */
  readonly issuer: string;
  readonly audience: string[];
  readonly identitySource: string[];
}

export interface RouteModel {
  readonly logicalId: string;
  readonly routeKey: string;
  /** Upper-case method or ANY; `$default` routes have method ANY and path undefined. */
  readonly method: string;
  readonly path?: string;
  readonly functionId: string;
  readonly authorizer?: JwtAuthorizerModel;
  readonly authorizationScopes: string[];
}

export interface CorsModel {
  readonly allowOrigins: string[];
  readonly allowMethods: string[];
  readonly allowHeaders: string[];
  readonly exposeHeaders: string[];
  readonly allowCredentials: boolean;
  readonly maxAge?: number;
}

export interface ApiModel {
  readonly logicalId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly cors?: CorsModel;
  readonly routes: RouteModel[];
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export function extractApi(
  template: CfnTemplate,
  r: Resolver,
  functionOf: (arn: string, where: string) => string,
): ApiModel | undefined {
  const of = (type: string) => Object.entries(template.Resources).filter(([, res]) => res.Type === type) as [string, CfnResource][];
  const apis = of('AWS::ApiGatewayV2::Api').filter(([, res]) => (res.Properties?.ProtocolType ?? 'HTTP') === 'HTTP');
  if (apis.length === 0) return undefined;
  if (apis.length > 1) throw new Error(`the local cloud serves one HTTP API; the template has ${apis.map(([id]) => id).join(', ')}`);
  const [[apiId, api]] = apis as [[string, CfnResource]];
  const belongs = (res: CfnResource, where: string) => r.resolveString(res.Properties?.ApiId, `${where}.ApiId`) === apiId;

  const authorizers = new Map<string, JwtAuthorizerModel>();
  for (const [id, res] of of('AWS::ApiGatewayV2::Authorizer')) {
    if (!belongs(res, id)) continue;
    const p = res.Properties ?? {};
    if (p.AuthorizerType !== 'JWT') {
      throw new Error(`${id}: authorizer type ${String(p.AuthorizerType)} is not supported by the local cloud (JWT only)`);
    }
    const jwt = (r.resolve(p.JwtConfiguration ?? {}, `${id}.JwtConfiguration`) ?? {}) as { Issuer?: string; Audience?: unknown };
    authorizers.set(id, {
      logicalId: id,
      issuer: String(jwt.Issuer ?? ''),
      audience: list(jwt.Audience),
      identitySource: list(r.resolve(p.IdentitySource ?? ['$request.header.Authorization'], `${id}.IdentitySource`)),
    });
  }

  const integrations = new Map<string, string>();
  for (const [id, res] of of('AWS::ApiGatewayV2::Integration')) {
    if (!belongs(res, id)) continue;
    const p = res.Properties ?? {};
    if (p.IntegrationType !== 'AWS_PROXY') throw new Error(`${id}: integration type ${String(p.IntegrationType)} is not supported locally (AWS_PROXY only)`);
    const version = String(p.PayloadFormatVersion ?? '1.0');
    if (version !== '2.0') throw new Error(`${id}: payload format ${version} is not supported locally (2.0 only)`);
    integrations.set(id, functionOf(r.resolveString(p.IntegrationUri, `${id}.IntegrationUri`), `${id}.IntegrationUri`));
  }

  const routes: RouteModel[] = [];
  for (const [id, res] of of('AWS::ApiGatewayV2::Route')) {
    if (!belongs(res, id)) continue;
    const p = res.Properties ?? {};
    const routeKey = r.resolveString(p.RouteKey, `${id}.RouteKey`);
    const target = r.resolveString(p.Target, `${id}.Target`);
    const integrationId = /^integrations\/(.+)$/.exec(target)?.[1];
    const functionId = integrationId ? integrations.get(integrationId) : undefined;
    if (!functionId) throw new Error(`${id}.Target: ${target} is not a Lambda proxy integration of ${apiId}`);
    const authType = String(p.AuthorizationType ?? 'NONE');
    let authorizer: JwtAuthorizerModel | undefined;
    if (authType === 'JWT') {
      const authId = r.resolveString(p.AuthorizerId, `${id}.AuthorizerId`);
      authorizer = authorizers.get(authId);
      if (!authorizer) throw new Error(`${id}.AuthorizerId: ${authId} is not a JWT authorizer of ${apiId}`);
    } else if (authType !== 'NONE') {
      throw new Error(`${id}: AuthorizationType ${authType} is not supported by the local cloud`);
    }
    const [method = '', path] = routeKey === '$default' ? ['ANY', undefined] : routeKey.split(' ');
    routes.push({
      logicalId: id,
      routeKey,
      method: method.toUpperCase(),
      path,
      functionId,
      authorizer,
      authorizationScopes: list(r.resolve(p.AuthorizationScopes ?? [], `${id}.AuthorizationScopes`)),
    });
  }

  const stageRes = of('AWS::ApiGatewayV2::Stage').find(([id, res]) => belongs(res, id));
  const cors = api.Properties?.CorsConfiguration
    ? (r.resolve(api.Properties.CorsConfiguration, `${apiId}.CorsConfiguration`) as Record<string, unknown>)
    : undefined;
  return {
    logicalId: apiId,
    apiId: apiId.toLowerCase().slice(0, 10),
    stage: stageRes ? r.resolveString(stageRes[1].Properties?.StageName ?? '$default', `${stageRes[0]}.StageName`) : '$default',
    cors: cors && {
      allowOrigins: list(cors.AllowOrigins),
      allowMethods: list(cors.AllowMethods).map((m) => m.toUpperCase()),
      allowHeaders: list(cors.AllowHeaders).map((h) => h.toLowerCase()),
      exposeHeaders: list(cors.ExposeHeaders).map((h) => h.toLowerCase()),
      allowCredentials: cors.AllowCredentials === true || cors.AllowCredentials === 'true',
      maxAge: cors.MaxAge === undefined ? undefined : Number(cors.MaxAge),
    },
    routes,
  };
}
