/**
 * The HTTP API's routes in a nested stack of their own (decision 107): where
 * each piece lives in the real stage, and what DomainHttpApi refuses.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config.ts';
import { DomainHttpApi } from '../../infra/constructs/http-api.ts';
import { apiRoutes } from '../../infra/routes.ts';
import type { RouteSpec } from '#shared/route-spec';
import { resourcesOf, synthTemplate } from './synth.ts';

let dev: Template;

beforeAll(() => {
  dev = synthTemplate('dev');
});

describe('HTTP API routes in a nested stack', () => {
  const routesStack = (t: Template) => Object.entries(resourcesOf(t, 'AWS::CloudFormation::Stack')).find(([, s]) => s.Metadata?.['aws:cdk:path']?.includes('/Api/Routes.NestedStack/'))!;

  it('holds every route of the HTTP API (inlined with the suffix Routes), the integrations and the authorizer staying in the main stack', () => {
    const [httpApiId] = Object.entries(resourcesOf(dev, 'AWS::ApiGatewayV2::Api')).find(([, a]) => a.Properties!.ProtocolType === 'HTTP')!;
    const routes = Object.entries(resourcesOf(dev, 'AWS::ApiGatewayV2::Route')).filter(([, r]) => r.Properties!.ApiId?.Ref === httpApiId);
    expect(routes).toHaveLength(apiRoutes.length);
    for (const [id, route] of routes) {
      expect(id, route.Properties!.RouteKey).toMatch(/Routes$/);
      expect(route.Metadata!['aws:cdk:path']).toMatch(/^OneStop-dev\/Api\/Routes\//);
    }
    const [, stack] = routesStack(dev);
    const passed = Object.values(stack.Properties!.Parameters as Record<string, { Ref: string }>).map((p) => p.Ref);
    expect(passed).toContain(httpApiId);
    expect(passed).toContain(Object.keys(resourcesOf(dev, 'AWS::ApiGatewayV2::Authorizer'))[0]);
    for (const integrationId of Object.keys(resourcesOf(dev, 'AWS::ApiGatewayV2::Integration')).filter((id) => id.startsWith('Api'))) {
      expect(passed, integrationId).toContain(integrationId);
      expect(integrationId).not.toMatch(/Routes$/);
    }
  });

  it('deploys the stage after the routes: its RouteSettings name route keys API Gateway must already know', () => {
    const [stackId] = routesStack(dev);
    const [, stage] = Object.entries(resourcesOf(dev, 'AWS::ApiGatewayV2::Stage')).find(([, s]) => s.Properties!.StageName === '$default')!;
    expect((stage as { DependsOn?: string[] }).DependsOn).toContain(stackId);
  });
});

describe('DomainHttpApi', () => {
  const spec = (over: Partial<RouteSpec>): RouteSpec => ({ operationId: 'getThing', method: 'GET', path: '/things/{id}', access: 'jwt', summary: 'A thing', ...over } as RouteSpec);
  const build = () => {
    const stack = new Stack(new App(), 'S');
    const userPool = new UserPool(stack, 'Pool');
    const api = new DomainHttpApi(stack, 'Api', { config: stageConfig('dev'), userPool, userPoolClient: userPool.addClient('Client') });
    const fn = LambdaFunction.fromFunctionArn(stack, 'ThingsFunction', 'arn:aws:lambda:cn-north-1:000000000000:function:things');
    return { stack, api, fn };
  };

  it('refuses a method and path declared twice, even by another function', () => {
    const { stack, api, fn } = build();
    api.addDomainRoutes([spec({})], fn);
    const other = LambdaFunction.fromFunctionArn(stack, 'OtherFunction', 'arn:aws:lambda:cn-north-1:000000000000:function:other');
    expect(() => api.addDomainRoutes([spec({ operationId: 'getThingAgain' })], other)).toThrow('route GET /things/{id} (getThingAgain) is declared twice');
    expect(() => api.addDomainRoutes([spec({ method: 'PUT' })], other)).not.toThrow();
  });

  it('acknowledges AwsSolutions-APIG4 on each public route only, and integrates each function once', () => {
    const { api, fn } = build();
    const routes = api.addDomainRoutes([spec({ access: 'public', path: '/public/things' }), spec({}), spec({ method: 'POST', path: '/things' })], fn);
    const acked = routes.map((r) => JSON.stringify(r.node.metadata).includes('AwsSolutions-APIG4'));
    expect(acked).toEqual([true, false, false]);
    const nested = Template.fromStack(api.routeStack);
    expect(Object.keys(resourcesOf(nested, 'AWS::ApiGatewayV2::Route'))).toHaveLength(3);
    const main = Template.fromStack(Stack.of(api));
    main.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    main.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
  });
});
