/**
 * The WebSocket API part of the template: the AWS::ApiGatewayV2::Api with
 * ProtocolType WEBSOCKET, its Stage, Routes and the Lambda proxy Integrations
 * they target, and which routes send their function's answer back
 * (RouteResponseSelectionExpression). The HTTP API is template-api.ts's.
 */
import type { CfnResource, CfnTemplate, Resolver } from '../intrinsics.ts';

export interface SocketRouteModel {
  readonly logicalId: string;
  /** `$connect`, `$disconnect`, `$default`, or a value of the route selection expression. */
  readonly routeKey: string;
  readonly functionId: string;
  /** A two-way route: the function's `body` goes back to the client. */
  readonly returnsResponse: boolean;
}

export interface SocketApiModel {
  readonly logicalId: string;
  readonly apiId: string;
  readonly stage: string;
  /** `$request.body.<field>` → the field of a JSON message that names its route. */
  readonly selectionField?: string;
  readonly routes: SocketRouteModel[];
  /**
   * The stage's management endpoint as the template resolves it locally
   * (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`): a function
   * environment value naming it is pointed at the local server instead.
   */
  readonly callbackUrl: string;
}

export function extractSocketApi(
  template: CfnTemplate,
  r: Resolver,
  functionOf: (arn: string, where: string) => string,
): SocketApiModel | undefined {
  const of = (type: string) => Object.entries(template.Resources).filter(([, res]) => res.Type === type) as [string, CfnResource][];
  const apis = of('AWS::ApiGatewayV2::Api').filter(([, res]) => res.Properties?.ProtocolType === 'WEBSOCKET');
  if (apis.length === 0) return undefined;
  if (apis.length > 1) throw new Error(`the local cloud serves one WebSocket API; the template has ${apis.map(([id]) => id).join(', ')}`);
  const [[apiId, api]] = apis as [[string, CfnResource]];
  const belongs = (res: CfnResource, where: string) => r.resolveString(res.Properties?.ApiId, `${where}.ApiId`) === apiId;

  const integrations = new Map<string, string>();
  for (const [id, res] of of('AWS::ApiGatewayV2::Integration')) {
    if (!belongs(res, id)) continue;
    const p = res.Properties ?? {};
    if (p.IntegrationType !== 'AWS_PROXY') throw new Error(`${id}: WebSocket integration type ${String(p.IntegrationType)} is not supported locally (AWS_PROXY only)`);
    // `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`, or the function ARN itself.
    const uri = r.resolveString(p.IntegrationUri, `${id}.IntegrationUri`);
    integrations.set(id, functionOf(/\/functions\/(arn:.+)\/invocations$/.exec(uri)?.[1] ?? uri, `${id}.IntegrationUri`));
  }

  const routes = of('AWS::ApiGatewayV2::Route').filter(([id, res]) => belongs(res, id)).map(([id, res]): SocketRouteModel => {
    const p = res.Properties ?? {};
    const authType = String(p.AuthorizationType ?? 'NONE');
    if (authType !== 'NONE') throw new Error(`${id}: AuthorizationType ${authType} on a WebSocket route is not supported by the local cloud`);
    const target = r.resolveString(p.Target, `${id}.Target`);
    const functionId = integrations.get(/^integrations\/(.+)$/.exec(target)?.[1] ?? '');
    if (!functionId) throw new Error(`${id}.Target: ${target} is not a Lambda proxy integration of ${apiId}`);
    return {
      logicalId: id,
      routeKey: r.resolveString(p.RouteKey, `${id}.RouteKey`),
      functionId,
      returnsResponse: p.RouteResponseSelectionExpression !== undefined,
    };
  });

  const stages = of('AWS::ApiGatewayV2::Stage').filter(([id, res]) => belongs(res, id));
  if (stages.length !== 1) throw new Error(`${apiId}: the local cloud serves one stage of a WebSocket API; the template has ${stages.length}`);
  const [stageId, stageRes] = stages[0]!;
  const stage = r.resolveString(stageRes.Properties?.StageName, `${stageId}.StageName`);
  const expression = r.resolveString(api.Properties?.RouteSelectionExpression ?? '$request.body.action', `${apiId}.RouteSelectionExpression`);
  const field = /^\$request\.body\.([A-Za-z0-9_]+)$/.exec(expression)?.[1];
  if (!field && routes.some((route) => !route.routeKey.startsWith('$'))) {
    throw new Error(`${apiId}.RouteSelectionExpression: ${expression} is not supported locally ($request.body.<field> only)`);
  }
  return {
    logicalId: apiId,
    apiId: r.resolveString({ Ref: apiId }, `${apiId}.Ref`),
    stage,
    ...(field ? { selectionField: field } : {}),
    routes,
    callbackUrl: `${r.getAtt(apiId, 'ApiEndpoint', `${apiId}.ApiEndpoint`).replace(/^wss:/, 'https:')}/${stage}`,
  };
}
