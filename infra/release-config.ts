import { Duration, Stack } from 'aws-cdk-lib';
import {
  CfnApplication,
  CfnConfigurationProfile,
  CfnDeploymentStrategy,
  CfnEnvironment,
} from 'aws-cdk-lib/aws-appconfig';
import { Alarm, type ComparisonOperator, Metric, type TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Service } from '../lambdas/core/catalog-schema.js';
import { serviceAlarms, serviceMetricNamespace, serviceMetricSpecs } from '../lambdas/core/release/alarms.js';
import { contractOrEnvelopeSchema } from '../lambdas/core/release/exposure-document.js';
import { customStrategies, deploymentStrategies } from '../lambdas/core/release/strategies.js';
import { namePrefix } from './physical-names.js';

/** What the stack needs to know about a catalog service. */
export type CatalogService = Pick<Service, 'name' | 'environment' | 'slo' | 'profiles'>;

/** The health signal AppConfig watches during a rollout; the telemetry publisher writes it. */
export const serviceErrorRateMetric = {
  namespace: 'ITV/Services',
  metricName: 'ErrorRate',
  dimension: 'Service',
};

function compareSemver(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The contract with the highest semantic version; AppConfig validates new configuration versions against it. */
export function latestContract(contracts: Readonly<Record<string, unknown>>): {
  version: string;
  schema: unknown;
} {
  const version = Object.keys(contracts).sort(compareSemver).at(-1);
  if (version === undefined) throw new Error('contracts: must hold at least one version');
  return { version, schema: contracts[version] };
}

/**
 * AppConfig's default quota of environments per application
 * (https://docs.aws.amazon.com/general/latest/gr/appconfig.html, "Environments per application"): itv makes one
 * environment, a lane, per catalog service, so it is also the most services one deployment can release.
 */
export const defaultEnvironmentQuota = 20;

const appConfigTypes = { 'feature-flags': 'AWS.AppConfig.FeatureFlags', freeform: 'AWS.Freeform' } as const;

/**
 * AppConfig for progressive release: one environment per service (the lane: AppConfig runs one deployment at
 * a time in it) watched by an error-rate alarm, one hosted profile per (service, profile), and itv's strategies.
 */
export class ReleaseConfig extends Construct {
  readonly application: CfnApplication;
  /** service → environment id */
  readonly environmentIds: Record<string, string> = {};
  /** "service/profile" → configuration profile id */
  readonly profileIds: Record<string, string> = {};
  /** strategy name → id; AWS's predefined strategies are addressed by their own names. */
  readonly strategyIds: Record<string, string> = {};
  readonly environmentArns: string[] = [];
  readonly profileArns: string[] = [];
  /** Every service's rollback alarms, named and tuned as `serviceAlarms` defines them for the simulator too. */
  readonly alarms: Alarm[] = [];
  readonly environments: Record<string, CfnEnvironment> = {};
  /** Assumed by AppConfig to read the rollback alarms (the monitors' AlarmRoleArn). */
  readonly alarmRole: Role;

  constructor(
    scope: Construct,
    id: string,
    props: {
      services: readonly CatalogService[];
      /** The account's environments-per-application quota, once raised. Default: `defaultEnvironmentQuota`. */
      environmentQuota?: number;
    },
  ) {
    super(scope, id);
    // Said at synth, not halfway through a deployment that CloudFormation then rolls back.
    const quota = props.environmentQuota ?? defaultEnvironmentQuota;
    if (props.services.length > quota) {
      throw new Error(
        `ReleaseConfig: ${props.services.length} catalog services need ${props.services.length} AppConfig environments in one application; AppConfig allows ${quota} (its "Environments per application" quota). Request an increase, then pass appConfigEnvironmentQuota to the stack.`,
      );
    }
    this.application = new CfnApplication(this, 'Application', {
      name: 'itv',
      description: 'itv progressive releases: one environment (lane) per catalog service',
    });
    const appId = this.application.ref;
    const arn = (resource: string) =>
      Stack.of(this).formatArn({
        service: 'appconfig',
        resource: 'application',
        resourceName: `${appId}/${resource}`,
      });

    const alarmRole = new Role(this, 'AlarmRole', {
      assumedBy: new ServicePrincipal('appconfig.amazonaws.com'),
      description: 'Lets AppConfig read the alarms that roll back a deployment',
    });
    // The role AppConfig documents for automatic rollback grants DescribeAlarms on "*" and trusts appconfig.amazonaws.com
    // with no condition (AppConfig user guide, "Configure permissions for automatic rollback"). IAM would take the
    // alarms' ARNs, but AppConfig does not document how it calls DescribeAlarms or which condition keys it sends when it
    // assumes the role; a narrower role that AppConfig cannot use would silently end rollback on alarm, and no local peer
    // can show it working. The role reads alarm states, nothing else.
    alarmRole.addToPolicy(new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: ['*'] }));
    this.alarmRole = alarmRole;

    for (const service of props.services) {
      const alarms = serviceAlarms(service.name, service.slo, namePrefix(this)).map((definition) => {
        const spec = serviceMetricSpecs[definition.metric];
        return new Alarm(this, definition.name, {
          alarmName: definition.name,
          alarmDescription: `${service.name}: ${definition.metric} regressed past its baseline; AppConfig rolls back`,
          metric: new Metric({
            namespace: serviceMetricNamespace,
            metricName: spec.metricName,
            dimensionsMap: { Service: service.name },
            statistic: spec.stat,
            period: Duration.seconds(definition.periodSeconds),
          }),
          threshold: definition.threshold,
          evaluationPeriods: definition.evaluationPeriods,
          datapointsToAlarm: definition.datapointsToAlarm,
          comparisonOperator: definition.comparisonOperator as ComparisonOperator,
          treatMissingData: definition.treatMissingData as TreatMissingData,
        });
      });
      this.alarms.push(...alarms);
      const environment = new CfnEnvironment(this, `${service.name}Environment`, {
        applicationId: appId,
        name: service.environment,
        description: `Release lane of ${service.name}`,
        monitors: alarms.map((alarm) => ({ alarmArn: alarm.alarmArn, alarmRoleArn: alarmRole.roleArn })),
      });
      this.environments[service.name] = environment;
      this.environmentIds[service.name] = environment.ref;
      this.environmentArns.push(arn(`environment/${environment.ref}`));

      for (const [profileName, profile] of Object.entries(service.profiles)) {
        const configurationProfile = new CfnConfigurationProfile(
          this,
          `${service.name}${profileName}Profile`,
          {
            applicationId: appId,
            name: `${service.name}.${profileName}`,
            locationUri: 'hosted',
            type: appConfigTypes[profile.type],
            // AppConfig accepts JSON Schema validators on freeform profiles only; it checks feature flags against
            // its own schema, and ValidateStructure checks every payload against the contract. A step of a
            // stepped release is the contract's content inside itv's exposure envelope, so either passes.
            validators:
              profile.type === 'freeform'
                ? [
                    {
                      type: 'JSON_SCHEMA',
                      content: JSON.stringify(
                        contractOrEnvelopeSchema(
                          latestContract(profile.contracts).schema as Record<string, unknown>,
                        ),
                      ),
                    },
                  ]
                : undefined,
          },
        );
        this.profileIds[`${service.name}/${profileName}`] = configurationProfile.ref;
        this.profileArns.push(arn(`configurationprofile/${configurationProfile.ref}`));
      }
    }

    for (const strategy of deploymentStrategies) this.strategyIds[strategy.name] = strategy.name;
    for (const strategy of customStrategies) {
      const created = new CfnDeploymentStrategy(this, strategy.name.replace(/[^A-Za-z0-9]/g, ''), {
        name: strategy.name,
        growthType: strategy.growthType,
        growthFactor: strategy.growthFactor,
        deploymentDurationInMinutes: strategy.deploymentDurationInMinutes,
        finalBakeTimeInMinutes: strategy.finalBakeTimeInMinutes,
        replicateTo: 'NONE',
      });
      this.strategyIds[strategy.name] = created.ref;
    }
  }

  /** ARN pattern of the deployments in every itv environment (GetDeployment, StopDeployment). */
  get deploymentArns(): string[] {
    return this.environmentArns.map((a) => `${a}/deployment/*`);
  }

  /** ARNs of the deployment strategies (StartDeployment names one). */
  get strategyArns(): string[] {
    return [
      Stack.of(this).formatArn({ service: 'appconfig', resource: 'deploymentstrategy', resourceName: '*' }),
    ];
  }
}
