import { UnmappedOperationError } from '../errors.js';
import { type GatewayRequest, jsonBodyOf } from '../gateway-request.js';
import type { MappedOperation, MappingContext } from './authorization-check.js';

type ArnBuilder = (segments: string[], body: () => Record<string, unknown>) => string[];

interface Route {
  method: string;
  /** Path segments; `{}` captures one. */
  pattern: string[];
  operation: string;
  resources: ArnBuilder;
}

/**
 * AppConfig, restJson1: the operation is the method and path. Resource ARNs follow the Service Authorization
 * Reference: `application/<app>`, `application/<app>/environment/<env>`,
 * `application/<app>/configurationprofile/<profile>`, `application/<app>/environment/<env>/deployment/<n>`,
 * `deploymentstrategy/<strategy>`. StartDeployment is authorized on the environment, the configuration profile
 * and the deployment strategy it names, as each is a required resource of the action.
 */
export function mapAppConfig(request: GatewayRequest, context: MappingContext): MappedOperation {
  const base = `arn:aws:appconfig:${context.region}:${context.account}:`;
  const app = (s: string[]) => `${base}application/${s[1]}`;
  const environment = (s: string[]) => `${app(s)}/environment/${s[3]}`;
  const profile = (s: string[]) => `${app(s)}/configurationprofile/${s[3]}`;
  const routes: Route[] = [
    { method: 'GET', pattern: ['applications'], operation: 'ListApplications', resources: () => ['*'] },
    { method: 'POST', pattern: ['applications'], operation: 'CreateApplication', resources: () => ['*'] },
    {
      method: 'GET',
      pattern: ['applications', '{}'],
      operation: 'GetApplication',
      resources: (s) => [app(s)],
    },
    {
      method: 'GET',
      pattern: ['applications', '{}', 'environments'],
      operation: 'ListEnvironments',
      resources: (s) => [app(s)],
    },
    {
      method: 'POST',
      pattern: ['applications', '{}', 'environments'],
      operation: 'CreateEnvironment',
      resources: (s) => [app(s)],
    },
    {
      method: 'GET',
      pattern: ['applications', '{}', 'environments', '{}'],
      operation: 'GetEnvironment',
      resources: (s) => [environment(s)],
    },
    {
      method: 'GET',
      pattern: ['applications', '{}', 'configurationprofiles'],
      operation: 'ListConfigurationProfiles',
      resources: (s) => [app(s)],
    },
    {
      method: 'POST',
      pattern: ['applications', '{}', 'configurationprofiles'],
      operation: 'CreateConfigurationProfile',
      resources: (s) => [app(s)],
    },
    {
      method: 'GET',
      pattern: ['applications', '{}', 'configurationprofiles', '{}'],
      operation: 'GetConfigurationProfile',
      resources: (s) => [profile(s)],
    },
    {
      method: 'POST',
      pattern: ['applications', '{}', 'configurationprofiles', '{}', 'hostedconfigurationversions'],
      operation: 'CreateHostedConfigurationVersion',
      resources: (s) => [profile(s)],
    },
    {
      method: 'GET',
      pattern: ['applications', '{}', 'configurationprofiles', '{}', 'hostedconfigurationversions'],
      operation: 'ListHostedConfigurationVersions',
      resources: (s) => [profile(s)],
    },
    {
      method: 'GET',
      pattern: ['applications', '{}', 'configurationprofiles', '{}', 'hostedconfigurationversions', '{}'],
      operation: 'GetHostedConfigurationVersion',
      resources: (s) => [profile(s)],
    },
    {
      method: 'POST',
      pattern: ['applications', '{}', 'configurationprofiles', '{}', 'validators'],
      operation: 'ValidateConfiguration',
      resources: (s) => [profile(s)],
    },
    {
      method: 'POST',
      pattern: ['applications', '{}', 'environments', '{}', 'deployments'],
      operation: 'StartDeployment',
      resources: (s, body) => {
        const fields = body();
        const profileId = fields.ConfigurationProfileId;
        const strategyId = fields.DeploymentStrategyId;
        if (typeof profileId !== 'string' || typeof strategyId !== 'string') {
          throw new UnmappedOperationError(
            'StartDeployment without ConfigurationProfileId or DeploymentStrategyId',
          );
        }
        return [
          environment(s),
          `${app(s)}/configurationprofile/${profileId}`,
          `${base}deploymentstrategy/${strategyId}`,
        ];
      },
    },
    {
      method: 'GET',
      pattern: ['applications', '{}', 'environments', '{}', 'deployments'],
      operation: 'ListDeployments',
      resources: (s) => [environment(s)],
    },
    {
      method: 'GET',
      pattern: ['applications', '{}', 'environments', '{}', 'deployments', '{}'],
      operation: 'GetDeployment',
      resources: (s) => [`${environment(s)}/deployment/${s[5]}`],
    },
    {
      method: 'DELETE',
      pattern: ['applications', '{}', 'environments', '{}', 'deployments', '{}'],
      operation: 'StopDeployment',
      resources: (s) => [`${environment(s)}/deployment/${s[5]}`],
    },
    {
      method: 'GET',
      pattern: ['deploymentstrategies'],
      operation: 'ListDeploymentStrategies',
      resources: () => ['*'],
    },
    {
      method: 'POST',
      pattern: ['deploymentstrategies'],
      operation: 'CreateDeploymentStrategy',
      resources: () => ['*'],
    },
    {
      method: 'GET',
      pattern: ['deploymentstrategies', '{}'],
      operation: 'GetDeploymentStrategy',
      resources: (s) => [`${base}deploymentstrategy/${s[1]}`],
    },
  ];

  const segments = request.path.split('/').filter(Boolean).map(decodeURIComponent);
  const route = routes.find(
    (candidate) =>
      candidate.method === request.method &&
      candidate.pattern.length === segments.length &&
      candidate.pattern.every((part, i) => part === '{}' || part === segments[i]),
  );
  if (!route) {
    throw new UnmappedOperationError(
      `AppConfig ${request.method} ${request.path} is not mapped to IAM actions by the gateway`,
    );
  }
  const body = () => jsonBodyOf(request, route.operation);
  const action = `appconfig:${route.operation}`;
  return {
    service: 'appconfig',
    operation: route.operation,
    checks: route.resources(segments, body).map((resource) => ({ action, resource })),
  };
}
