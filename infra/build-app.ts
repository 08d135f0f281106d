import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ItvStack, type ItvStackProps } from './itv-stack.js';

export interface ItvAppOptions extends Omit<ItvStackProps, 'env'> {
  /** Bundle the Lambda code with esbuild. Off for tests and the ASL export: they need the template only. */
  bundling?: boolean;
  /** Run the cdk-nag AwsSolutions checks. */
  nag?: boolean;
  outdir?: string;
}

/** Feature flags kept in code, not cdk.json, so the CLI, tests and the ASL export synthesize the same template. */
const featureFlags = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
};

/** The itv CDK app with its single, environment-agnostic stack `Itv`. */
export function createItvApp(options: ItvAppOptions): { app: App; stack: ItvStack } {
  const { bundling = true, nag = false, outdir, ...stackProps } = options;
  const app = new App({
    ...(outdir ? { outdir } : {}),
    context: { ...featureFlags, ...(bundling ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stack = new ItvStack(app, 'Itv', {
    ...stackProps,
    description: 'itv: intent to value, automated change management for real-time release',
  });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
