/**
 * The routes of the HTTP API in a nested stack of their own (`Api/Routes`,
 * decision 107): one AWS::ApiGatewayV2::Route per RouteSpec, so the main
 * stack's 500-resource limit does not grow with every route a domain adds.
 * The API, its integrations, its authorizer and its stage stay in the main
 * stack; CDK passes their ids to this one as parameters.
 */
import { NestedStack } from 'aws-cdk-lib';
import { CfnRoute, type HttpApi, type HttpAuthorizer, type HttpIntegration } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { RouteSpec } from '#shared/route-spec';
import { acknowledge } from '../nag.ts';

export class HttpRouteStack extends NestedStack {
  private readonly routeKeys = new Set<string>();

  constructor(scope: Construct, id: string, private readonly httpApi: HttpApi, private readonly authorizer: HttpAuthorizer) {
    super(scope, id, { description: `${httpApi.node.path}: one route per RouteSpec of every domain` });
  }

  /**
   * One route for `spec`, targeting `integration`. `public` routes carry no
   * authorizer (acknowledged for cdk-nag on that route only); every other
   * route requires a valid Cognito JWT. A method + path declared twice is an error.
   */
  addRoute(spec: RouteSpec, integration: HttpIntegration): CfnRoute {
    const routeKey = `${spec.method} ${spec.path}`;
    if (this.routeKeys.has(routeKey)) throw new Error(`route ${routeKey} (${spec.operationId}) is declared twice`);
    this.routeKeys.add(routeKey);
    const route = new CfnRoute(this, `${spec.method}${spec.path}`, {
      apiId: this.httpApi.apiId,
      routeKey,
      target: `integrations/${integration.integrationId}`,
      ...(spec.access === 'public'
        ? { authorizationType: 'NONE' }
        : { authorizationType: 'JWT', authorizerId: this.authorizer.authorizerId }),
    });
    if (spec.access === 'public') {
      acknowledge(route, 'AwsSolutions-APIG4',
        `${routeKey} (${spec.operationId}) is declared access: 'public' in its domain's routes.ts: published, non-personal data for anonymous citizens.`);
    }
    return route;
  }
}
