import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { serviceAlarms } from '../lambdas/core/release/alarms.js';
import { ItvStack, type ItvStackProps } from './itv-stack.js';
import { checkDerivedNames, stackNamePattern } from './physical-names.js';

export interface ItvAppOptions extends Omit<ItvStackProps, 'env'> {
  /** Bundle the Lambda code with esbuild. Off for tests and the ASL export: they need the template only. */
  bundling?: boolean;
  /** Run the cdk-nag AwsSolutions checks. */
  nag?: boolean;
  /**
   * Check the template against CloudFormation's resource schemas on synth (the CDK's built-in validation, its
   * findings reported as warnings in the assembly's `validation-report.json`). On by default, as `cdk synth`
   * runs it; it costs about five seconds of CPU a synth, so what needs the template only turns it off
   * (test/infra/nag.test.ts asserts it finds nothing in the real stack, and CI runs cfn-lint).
   */
  templateValidation?: boolean;
  outdir?: string;
  /**
   * The stack's name, default `Itv` (`npx cdk deploy -c itv:stackName=ItvStaging` sets it): a second copy in one
   * account and region (a staging stack beside production) needs its own, and names its bus, dashboard and alarms
   * after it (`infra/physical-names.ts`).
   */
  stackName?: string;
}

/** Feature flags kept in code, not cdk.json, so the CLI, tests and the ASL export synthesize the same template. */
const featureFlags = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
};

/** The stack name `cdk … -c itv:stackName=NAME` gives, if any. */
function contextStackName(app: App): string | undefined {
  const value: unknown = app.node.tryGetContext('itv:stackName');
  return value === undefined ? undefined : String(value);
}

/** The itv CDK app with its single, environment-agnostic stack, `Itv` unless named otherwise. */
export function createItvApp(options: ItvAppOptions): { app: App; stack: ItvStack } {
  const {
    bundling = true,
    nag = false,
    templateValidation = true,
    outdir,
    stackName,
    ...stackProps
  } = options;
  const app = new App({
    ...(outdir ? { outdir } : {}),
    builtinCloudFormationValidation: templateValidation,
    context: { ...featureFlags, ...(bundling ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const name = stackName ?? contextStackName(app) ?? 'Itv';
  if (!stackNamePattern.test(name)) {
    throw new Error(
      `itv:stackName "${name}" is not a CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128 characters`,
    );
  }
  checkDerivedNames(
    name,
    stackProps.services.flatMap((service) =>
      serviceAlarms(service.name, service.slo, name.toLowerCase()).map((alarm) => alarm.name),
    ),
  );
  const stack = new ItvStack(app, name, {
    ...stackProps,
    description: 'itv: intent to value, automated change management for real-time release',
  });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
