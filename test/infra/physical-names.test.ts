import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { createItvApp } from '../../infra/build-app.js';
import { fixtureServices, fixtureTemplate, synthesizeItv } from './synth-support.js';

/**
 * The outdir of the apps these tests build and never synthesize: one named folder (the CDK makes it when the app
 * is made), removed after, where each app would otherwise leave a temporary `cdk.out…` folder of its own.
 */
const neverWritten = join(tmpdir(), 'itv-physical-names-never-synthesized');
afterAll(() => rmSync(neverWritten, { recursive: true, force: true }));

/** Names CloudFormation must find free in the account and region: a second stack with any of them fails to create. */
const regionUniqueNames: ReadonlyArray<readonly [string, string]> = [
  ['AWS::Events::EventBus', 'Name'],
  ['AWS::CloudWatch::Dashboard', 'DashboardName'],
  ['AWS::CloudWatch::Alarm', 'AlarmName'],
  ['AWS::StepFunctions::StateMachine', 'StateMachineName'],
];

function physicalNames(template: Template): string[] {
  const names: string[] = [];
  for (const [type, property] of regionUniqueNames) {
    for (const resource of Object.values(template.findResources(type))) {
      const name = (resource as { Properties?: Record<string, unknown> }).Properties?.[property];
      if (typeof name === 'string') names.push(`${type} ${name}`);
    }
  }
  return names.sort();
}

function functionPrefixes(template: Template): Set<unknown> {
  return new Set(
    Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) =>
        (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties
          .Environment?.Variables?.ITV_NAME_PREFIX,
    ),
  );
}

describe('two stacks in one account and region', () => {
  test('the default stack Itv keeps the names its users know: the bus itv, the dashboard itv-pipeline, alarms itv-…', () => {
    const template = fixtureTemplate();
    const names = physicalNames(template);
    expect(names).toEqual(
      expect.arrayContaining([
        'AWS::Events::EventBus itv',
        'AWS::CloudWatch::Dashboard itv-pipeline',
        'AWS::CloudWatch::Alarm itv-checkout-error-rate',
        'AWS::StepFunctions::StateMachine Itv-pipeline',
      ]),
    );
    expect(functionPrefixes(template)).toEqual(new Set(['itv']));
  });

  test('a stack named ItvStaging names every region-unique resource after itself, sharing none with Itv', () => {
    // Act
    const staging = synthesizeItv({ stackName: 'ItvStaging' });
    // Assess
    expect(staging.stack.stackName).toBe('ItvStaging');
    const names = physicalNames(staging.template);
    const taken = new Set(physicalNames(fixtureTemplate()));
    expect(names.length).toBeGreaterThan(4);
    expect(names.filter((name) => taken.has(name))).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining([
        'AWS::Events::EventBus itvstaging',
        'AWS::CloudWatch::Dashboard itvstaging-pipeline',
        'AWS::CloudWatch::Alarm itvstaging-checkout-error-rate',
      ]),
    );
    // The functions read their alarms' and metrics' names with the same prefix.
    expect(functionPrefixes(staging.template)).toEqual(new Set(['itvstaging']));
  });

  test('the name comes from the CDK context itv:stackName, and one CloudFormation refuses is refused at synth', () => {
    // `npx cdk deploy -c itv:stackName=ItvStaging` hands the app its context through CDK_CONTEXT_JSON.
    const before = process.env.CDK_CONTEXT_JSON;
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'itv:stackName': 'ItvStaging' });
    try {
      const { stack } = createItvApp({
        services: [],
        publishers: [],
        bundling: false,
        templateValidation: false,
        outdir: neverWritten,
      });
      expect(stack.stackName).toBe('ItvStaging');
    } finally {
      if (before === undefined) delete process.env.CDK_CONTEXT_JSON;
      else process.env.CDK_CONTEXT_JSON = before;
    }
    expect(() =>
      createItvApp({
        services: [],
        publishers: [],
        bundling: false,
        templateValidation: false,
        stackName: 'itv staging',
        outdir: neverWritten,
      }),
    ).toThrow(/itv:stackName "itv staging" is not a CloudFormation stack name/);
  });
});

describe("names made from the stack's name stay within AWS's limits", () => {
  const synth =
    (stackName: string, services = fixtureServices) =>
    () =>
      createItvApp({
        services,
        publishers: [],
        bundling: false,
        templateValidation: false,
        stackName,
        outdir: neverWritten,
      });

  test('a name whose state machine name would pass 80 characters is refused at synth, naming itv:stackName, the limit and the resource', () => {
    // 72 characters + "-pipeline" = 81, over Step Functions' 80; 128 is CloudFormation's own limit.
    const long = `Itv${'x'.repeat(69)}`;
    expect(long).toHaveLength(72);
    expect(synth(long)).toThrow(
      /itv:stackName .*state machine name "Itvx+-pipeline" is 81 characters: AWS::StepFunctions::StateMachine names are at most 80/,
    );
    expect(synth(`Itv${'x'.repeat(125)}`)).toThrow(/itv:stackName .*at most 80/);
  });

  test('the longest name whose state machine fits (71 characters) synthesizes', () => {
    expect(synth(`Itv${'x'.repeat(68)}`)).not.toThrow();
  });

  test("a rollback alarm name past CloudWatch's 255 characters (stack and service name together) is refused, naming it", () => {
    const service = { ...fixtureServices[0]!, name: 's'.repeat(200) };
    expect(synth(`Itv${'x'.repeat(60)}`, [service])).toThrow(
      /itv:stackName .*alarm name "itvx+-s+-error-rate" is 27\d characters: AWS::CloudWatch::Alarm names are at most 255/,
    );
  });
});
