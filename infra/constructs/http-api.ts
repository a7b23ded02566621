/**
 * The HTTP API: one API Gateway route per RouteSpec a domain declares
 * (routes are never listed here), a Cognito JWT authorizer on every route
 * whose access is not `public`, stage throttling and route throttling of the
 * public routes, JSON access logs and CORS preflight for browser clients.
 * The routes themselves live in a nested stack (http-routes.ts, decision 107).
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage, CorsHttpMethod, HttpApi, HttpAuthorizer, HttpAuthorizerType, HttpIntegration, HttpIntegrationType, HttpStage,
  LogGroupLogDestination, PayloadFormatVersion, type CfnRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '#shared/route-spec';
import type { StageConfig } from '../config.ts';
import { apiDomains, type DomainName } from '../routes.ts';
import { HttpRouteStack } from './http-routes.ts';

export interface DomainHttpApiProps {
  readonly config: StageConfig;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The app clients of systems calling as themselves: their access tokens name the client (`client_id`), which the authorizer takes as the audience. */
  readonly serviceClientIds?: readonly string[];
}

/** Fields of one access log line (HTTP API $context variables). */
const accessLogFields = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  principal: '$context.authorizer.claims.sub',
} as const;

export class DomainHttpApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly jwtAuthorizer: HttpAuthorizer;
  /** The nested stack that holds every route (http-routes.ts, decision 107). */
  readonly routeStack: HttpRouteStack;
  private readonly integrations = new Map<IFunction, HttpIntegration>();
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: DomainHttpApiProps) {
    super(scope, id);
    this.config = props.config;
    const { config } = props;
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `onestop-${config.stage}`,
      description: `OneStop HTTP API (${config.stage})`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...config.allowedOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'accept-language'],
        exposeHeaders: ['etag', 'location', 'x-request-id', 'x-next-token', 'retry-after', 'idempotent-replayed', 'content-language'],
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
    this.jwtAuthorizer = new HttpAuthorizer(this, 'CognitoAuthorizer', {
      httpApi: this.httpApi,
      type: HttpAuthorizerType.JWT,
      jwtIssuer: `https://cognito-idp.${Aws.REGION}.amazonaws.com/${props.userPool.userPoolId}`,
      jwtAudience: [props.userPoolClient.userPoolClientId, ...(props.serviceClientIds ?? [])],
      identitySource: ['$request.header.Authorization'],
    });
    this.routeStack = new HttpRouteStack(this, 'Routes', this.httpApi, this.jwtAuthorizer);
    // The stage's RouteSettings name route keys: API Gateway rejects a setting for a route that does not exist yet.
    this.stage.node.addDependency(this.routeStack);
  }

  /** The invoke URL of the default stage (ends with a slash). */
  get url(): string {
    return this.stage.url;
  }

  /** The routes of a domain as the API assembles them (infra/routes.ts), integrated with its HTTP function. */
  addDomain(domain: DomainName, fn: IFunction): CfnRoute[] {
    return this.addDomainRoutes(apiDomains[domain].routes, fn);
  }

  /**
   * One route per declaration (http-routes.ts), all integrated with `fn`; the
   * public ones throttled below the stage's limits.
   */
  addDomainRoutes(routes: readonly RouteSpec[], fn: IFunction): CfnRoute[] {
    const integration = this.integrationFor(fn);
    return routes.map((spec) => {
      const route = this.routeStack.addRoute(spec, integration);
      const routeKey = `${spec.method} ${spec.path}`;
      if (spec.throttle === 'publicLookup') this.throttleRoute(routeKey, this.config.publicLookupThrottle);
      else if (spec.access === 'public') this.throttleRoute(routeKey, this.config.publicRouteThrottle);
      return route;
    });
  }

  private readonly routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};

  /**
   * Stage route settings (HTTP APIs have no WAF): one route throttled below the stage's limits. Every
   * public route is (a lookup that must not be brute-forced more tightly); routes behind the JWT
   * authorizer share the stage's limits.
   */
  private throttleRoute(routeKey: string, limits: { rateLimit: number; burstLimit: number }) {
    this.routeSettings[routeKey] = { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit };
    (this.stage.node.defaultChild as CfnStage).addPropertyOverride('RouteSettings', this.routeSettings);
  }

  private integrationFor(fn: IFunction): HttpIntegration {
    let integration = this.integrations.get(fn);
    if (!integration) {
      integration = new HttpIntegration(this, `${fn.node.id}Integration`, {
        httpApi: this.httpApi,
        integrationType: HttpIntegrationType.AWS_PROXY,
        integrationUri: fn.functionArn,
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      });
      // One invoke permission per function for this API, not one per route: a domain with
      // many routes would otherwise approach the 20 KB limit of the function's resource policy.
      fn.addPermission(`${fn.node.id}ApiPermission`, {
        scope: this,
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: Stack.of(this).formatArn({ service: 'execute-api', resource: this.httpApi.apiId, resourceName: '*/*/*' }),
      });
      this.integrations.set(fn, integration);
    }
    return integration;
  }
}
