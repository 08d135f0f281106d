import { ListDeploymentsCommand } from '@aws-sdk/client-appconfig';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';

/**
 * Examples 10 and 11 on the deployed stack: the express-pay launch (11) asks for a contract version the catalog
 * does not have; the schema update (10) releases it without deploying anything to AppConfig (its payload is a
 * contract, not the profile's configuration: `release.contract-only`) and registers it (`contract.registered`);
 * the launch resubmitted against that version then releases through AppConfig.
 */
describe('a schema update on the deployed stack', () => {
  let stack: DeployedStack;
  const files = ['10-schema-update-flag.json', '11-needs-schema-update.json'];

  beforeAll(async () => {
    stack = await deployStack({ ...suiteEnvironment(), start: unblockedStart(files) });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  /** The deployments AppConfig lists in launch-flags' environment. */
  async function deployments(): Promise<number> {
    const releasing = [...stack.lambda.functions.values()].find(
      (fn) => fn.environment.ITV_APPCONFIG_ENVIRONMENTS !== undefined,
    );
    if (!releasing) throw new Error('no function of the stack is given the AppConfig environments');
    const env = releasing.environment;
    const { Items } = await stack.admin.appconfig.send(
      new ListDeploymentsCommand({
        ApplicationId: env.ITV_APPCONFIG_APPLICATION_ID!,
        EnvironmentId: JSON.parse(env.ITV_APPCONFIG_ENVIRONMENTS!)['launch-flags'],
      }),
    );
    return Items?.length ?? 0;
  }

  /** Submits `intent` as its requester and waits for its execution to end. */
  async function run(intent: Record<string, unknown>) {
    const declared = declaredAt(intent, stack.clock.now());
    const requester = (declared.authority as { requester: string }).requester;
    const submitted = await stack.submit(declared, personCalling(requester));
    expect([submitted.statusCode, submitted.body.error]).toEqual([202, undefined]);
    const execution = await stack.finished(submitted.intentId);
    expect([execution.status, execution.error]).toEqual(['SUCCEEDED', undefined]);
    return { intentId: submitted.intentId, status: await stack.status(submitted.intentId) };
  }

  test('10 releases its contract without deploying it; 11 against that version then releases', async () => {
    // Arrange: the launch asks for a version no contract has yet
    const launch = example(files[1]!);
    const asked = await run(launch);
    const deployedBefore = await deployments();

    // Act
    const update = await run(example(files[0]!));
    const deployedAfterUpdate = await deployments();
    const change = launch.change as Record<string, unknown>;
    const relaunched = await run({
      ...launch,
      title: `${launch.title as string} (against 1.2.0)`,
      change: { ...change, contractVersion: '1.2.0' },
    });

    // Assess
    expect(asked.status?.status).toBe('schema-update-required');
    expect(update.status?.status).toBe('released');
    const updateEntries = await stack.entryTypes(update.intentId);
    expect(updateEntries).toEqual(expect.arrayContaining(['release.contract-only', 'contract.registered']));
    expect(updateEntries).not.toContain('release.started');
    expect(deployedAfterUpdate).toBe(deployedBefore);
    expect(relaunched.status?.status).toBe('released');
    expect(await deployments()).toBe(deployedBefore + 1);
  });
});
