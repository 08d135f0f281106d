import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { AppConfigReleaser } from '../../../lambdas/adapters/aws/appconfig-releaser.js';
import { simulatorKeys } from '../../../lambdas/adapters/local/simulated-deployment.js';
import { canonicalDigest } from '../../../lambdas/core/ledger/canonical-json.js';
import { checkRelease } from '../../../lambdas/core/pipeline/check-release.js';
import { releaseVerdict } from '../../../lambdas/core/pipeline/learn.js';
import { releasedContent } from '../../../lambdas/core/pipeline/release-configuration.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import { catalog } from '../core/fixtures.js';
import {
  errorRateFault,
  type Harness,
  intentAt,
  pipelineHarness,
  runIntent,
  runToVerify,
} from './helpers/pipeline-harness.js';
import { exampleContract, schemaUpdate } from './helpers/schema-update.js';

const schema = exampleContract;

const entriesOf = async (h: Harness, intentId: string) =>
  (await h.ledger.forIntent('test', intentId)).map(({ entry }) => entry);

/** The hosted configuration versions the simulator holds for launch-flags/flags. */
const hostedVersions = async (h: Harness) =>
  (await h.store.get<{ latest: number }>(simulatorKeys.versionPartition('launch-flags', 'flags'), 'LATEST'))
    ?.data.latest ?? 0;

describe('a schema update changes the contract, not what users are served', () => {
  test('locally: released, its contract registered, and the profile serves what it served before', async () => {
    const h = pipelineHarness();
    const flags = await runIntent(
      h,
      intentAt(h, (d) => (d.title = 'Dark mode on')),
    );
    expect(flags.learning?.outcome).toBe('released');
    const served = await releasedContent('launch-flags', 'flags', h.deps);
    const versions = await hostedVersions(h);

    const released = await runIntent(h, schemaUpdate(h));
    expect(released.learning?.outcome).toBe('released');
    // Nothing was hosted or deployed: the profile keeps the configuration the flag change released.
    expect(await hostedVersions(h)).toBe(versions);
    expect(await releasedContent('launch-flags', 'flags', h.deps)).toEqual(served);
    const entries = await entriesOf(h, released.declared!.intentId);
    const types = entries.map((e) => e.type);
    expect(types).not.toContain('release.started');
    expect(types.filter((t) => t.startsWith('release.'))).toEqual(['release.contract-only']);
    expect(entries.find((e) => e.type === 'release.contract-only')?.payload).toMatchObject({
      service: 'launch-flags',
      profile: 'flags',
      contractVersion: '1.2.0',
      contractDigest: canonicalDigest(schema),
    });
    expect(types).toContain('observation.recorded');
    expect(entries.find((e) => e.type === 'contract.registered')?.payload).toMatchObject({
      contractVersion: '1.2.0',
    });
    // Nothing it deployed says anything about the service's health: no confidence is earned or lost.
    expect(releaseVerdict(released)).toBe('not-judged');
  });

  test('a fault its simulation declares never reaches users: nothing deployed, nothing rolled back', async () => {
    const h = pipelineHarness();
    const released = await runIntent(
      h,
      schemaUpdate(h, (d) => Object.assign(d, { simulation: errorRateFault(25) })),
    );
    expect(released.learning?.outcome).toBe('released');
    const types = (await entriesOf(h, released.declared!.intentId)).map((e) => e.type);
    expect(types).not.toContain('release.rollback-started');
    expect(types).toContain('contract.registered');
  });

  test('a retried StartRelease or CheckRelease deploys nothing and records the release once', async () => {
    const h = pipelineHarness();
    const state = await runToVerify(h, schemaUpdate(h));
    const first = await startRelease(state, h.deps);
    expect(first).toMatchObject({ done: true, state: 'COMPLETE', contractOnly: true });
    expect(await startRelease(state, h.deps)).toEqual(first);
    expect(await checkRelease({ ...state, release: first }, h.deps)).toEqual(first);
    const types = (await entriesOf(h, state.declared!.intentId)).map((e) => e.type);
    expect(types.filter((t) => t === 'release.contract-only')).toHaveLength(1);
    expect(await hostedVersions(h)).toBe(0);
    expect(await releasedContent('launch-flags', 'flags', h.deps)).toBeUndefined();
  });

  test('on AWS: no AppConfig call, so no flag document is built of the contract; it still releases', async () => {
    const appConfig = mockClient(AppConfigClient);
    const cloudwatch = mockClient(CloudWatchClient);
    // The lane's monitors are OK: were the release to start a deployment, nothing would stop it here.
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    try {
      const h = pipelineHarness();
      h.deps.releaser = new AppConfigReleaser({
        client: new AppConfigClient({ region: 'eu-west-1' }),
        applicationId: 'app1234',
        environments: { 'launch-flags': 'env5678' },
        profiles: { 'launch-flags/flags': 'prof901' },
        strategies: {},
        services: catalog.services,
        cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
      });
      const released = await runIntent(h, schemaUpdate(h));
      expect(released.error).toBeUndefined();
      expect(released.learning?.outcome).toBe('released');
      expect(appConfig.calls()).toHaveLength(0);
      const types = (await entriesOf(h, released.declared!.intentId)).map((e) => e.type);
      expect(types).toContain('contract.registered');
    } finally {
      appConfig.restore();
      cloudwatch.restore();
    }
  });
});
