import { loadCatalog } from '../../../catalog/index.js';
import { AppConfigReleaser } from '../../../lambdas/adapters/aws/appconfig-releaser.js';
import { alarmName } from '../../../lambdas/core/release/alarms.js';
import { pollSecondsFor, strategyLadder } from '../../../lambdas/core/release/choose.js';
import { isInProgress } from '../../../lambdas/core/release/deployment-status.js';
import { type StrategyName, strategyByName } from '../../../lambdas/core/release/strategies.js';
import { deploymentTimeline } from '../../../lambdas/core/release/timeline.js';
import type { DeploymentStatus } from '../../../lambdas/ports/releaser.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import { suiteEnvironment, unblockedStart } from '../harness/scenario-support.js';

/**
 * A regression in every strategy itv chooses, showing at 0, 30 and 100 % exposure, on the deployed stack: the
 * stack's own deployment strategies and environment monitors, its CloudWatch alarms evaluating the metrics the
 * service publishes minute by minute, and AppConfig's rollback on alarm. The release is driven with the AWS
 * adapter the release functions use, polled as the state machine polls (`pollSecondsFor`). Each must be rolled
 * back by its alarm before it completes: the watch floor (`watch-floor.ts`) is what makes the fastest ones
 * stoppable at all.
 */
const service = 'launch-flags';
const exposures = [0, 30, 100] as const;
const cases = strategyLadder.flatMap((strategy) =>
  exposures.map((atPercent) => [strategy, atPercent] as const),
);

describe('a fault in every strategy the ladder chooses, on the deployed stack', () => {
  let stack: DeployedStack;
  let releaser: AppConfigReleaser;
  let runs = 0;
  const table: string[] = [];

  beforeAll(async () => {
    stack = await deployStack({ ...suiteEnvironment(), start: unblockedStart(['01-low-risk-flag.json']) });
    const releasing = [...stack.lambda.functions.values()].find(
      (fn) => fn.environment.ITV_APPCONFIG_APPLICATION_ID !== undefined,
    );
    if (!releasing) throw new Error('no function of the stack is given the AppConfig application');
    const env = releasing.environment;
    releaser = new AppConfigReleaser({
      client: stack.admin.appconfig,
      applicationId: env.ITV_APPCONFIG_APPLICATION_ID!,
      environments: JSON.parse(env.ITV_APPCONFIG_ENVIRONMENTS!),
      profiles: JSON.parse(env.ITV_APPCONFIG_PROFILES!),
      strategies: JSON.parse(env.ITV_APPCONFIG_STRATEGIES!),
      services: loadCatalog().services,
      cloudwatch: stack.admin.cloudwatch,
    });
  });
  afterAll(async () => {
    console.log(table.join('\n'));
    await stack?.stop();
  });

  /** Lets `ms` of virtual time pass, with the service's metrics published for each minute of it. */
  const wait = (ms: number) => stack.clock.busy(() => stack.clock.sleep(ms));

  test.each(cases)(
    '%s with a regression showing from %i %% exposure is rolled back by its alarm before it completes',
    async (strategy: StrategyName, atPercent) => {
      // Prepare: the service regresses (every request failing) once the rollout reaches `atPercent`.
      stack.telemetry.inject({ service, metric: 'errorRate', value: 1, atPercent });
      const started = stack.clock.now().getTime();
      const { deploymentId } = await releaser.start({
        intentId: `fault-${++runs}`,
        service,
        environment: 'prod',
        profile: 'flags',
        contractVersion: '1.0.0',
        content: { 'new-checkout': { enabled: true, rolloutPercent: runs } },
        strategy: strategyByName(strategy),
        description: `fault-${runs}: ${strategy} regressing from ${atPercent} % exposure`,
      });

      // Act: poll as CheckRelease does until the deployment ends (bounded by twice its own length).
      const timeline = deploymentTimeline(strategyByName(strategy));
      const pollMs = pollSecondsFor(strategyByName(strategy)) * 1000;
      let status: DeploymentStatus;
      do {
        await wait(pollMs);
        status = await releaser.check(service, 'prod', deploymentId);
      } while (
        isInProgress(status.state) &&
        stack.clock.now().getTime() - started < 2 * timeline.bakeEndSeconds * 1000 + 600_000
      );

      // Assess: rolled back, by the error-rate alarm, and never completed.
      const verdict = {
        strategy,
        atPercent,
        state: status.state,
        events: status.events.map((e) => `${e.type} ${e.percentage ?? ''}`),
      };
      expect(verdict).toMatchObject({ state: 'ROLLED_BACK' });
      const rollback = status.events.find((e) => e.alarm !== undefined);
      expect(rollback?.alarm).toBe(alarmName(service, 'errorRate'));
      const reached = Math.max(0, ...status.events.map((e) => e.percentage ?? 0));
      table.push(
        `${strategy.padEnd(40)} from ${String(atPercent).padStart(3)} %: rolled back at ${rollback?.at.slice(11, 19)}, ${((Date.parse(rollback!.at) - started) / 60_000).toFixed(1)} min after the start, highest exposure ${reached} %`,
      );

      // The service recovers and its alarm returns to OK before the next case (three periods of baseline).
      stack.telemetry.clearFaults(service);
      await wait(10 * 60_000);
    },
  );
});
