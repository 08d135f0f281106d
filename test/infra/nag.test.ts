import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadCatalog } from '../../catalog/index.js';
import { createItvApp } from '../../infra/build-app.js';
import { eventPublishersOf } from '../../infra/event-publishers.js';

const services = Object.values(loadCatalog().services);
const publishers = eventPublishersOf(loadCatalog());
let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'itv-cdk-'));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/**
 * Runs `act` with the CDK's deprecation mode (JSII_DEPRECATED) set: `fail` throws where a deprecated API is
 * used, `quiet` says nothing.
 */
function withDeprecations<T>(mode: 'fail' | 'quiet', act: () => T): T {
  const before = process.env.JSII_DEPRECATED;
  process.env.JSII_DEPRECATED = mode;
  try {
    return act();
  } finally {
    if (before === undefined) delete process.env.JSII_DEPRECATED;
    else process.env.JSII_DEPRECATED = before;
  }
}

describe('cdk-nag AwsSolutions', () => {
  test("the stack built from the real catalog uses no deprecated CDK API and has no unacknowledged finding, nor one by CloudFormation's schemas", () => {
    // Prepare: synthesized as `cdk synth` does, with the CDK's own template validation; any use of an API the
    // next CDK major removes throws.
    const { stack, assembly } = withDeprecations('fail', () => {
      const { app, stack } = createItvApp({
        services,
        publishers,
        bundling: false,
        outdir: path.join(outdir, 'nag'),
      });
      return { stack, assembly: app.synth() };
    });
    // Act: quiet, as cdk-nag's EventBusOpenAccess rule reads CfnEventBusPolicy's deprecated `principal` (the
    // stack sets `statement`), which would print a warning on every run.
    const report = withDeprecations('quiet', () =>
      new AwsSolutionsChecks(undefined, { verbose: false }).validateScope(stack),
    );
    const validation = JSON.parse(
      readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: Array<{ violations: Array<{ ruleName: string; description: string }> }>;
    };
    // Assess
    const findings = report.violations.map(
      (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    // The CDK reports these as warnings only: a template CloudFormation would refuse still synthesizes.
    expect(
      validation.pluginReports.flatMap((plugin) =>
        plugin.violations.map((v) => `${v.ruleName}: ${v.description}`),
      ),
    ).toEqual([]);
  });

  test('the app runs the checks on synth, so a new wildcard grant fails synthesis', () => {
    // Prepare
    const { app, stack } = createItvApp({
      services,
      publishers,
      bundling: false,
      nag: true,
      templateValidation: false,
      outdir: path.join(outdir, 'bad'),
    });
    new Role(stack, 'Unreviewed', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
    );
    // Act / Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
  });
});
