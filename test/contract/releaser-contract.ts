import type { VirtualClock } from '../../lambdas/adapters/local/virtual-clock.js';
import { alarmName } from '../../lambdas/core/release/alarms.js';
import { type StrategyName, strategyByName } from '../../lambdas/core/release/strategies.js';
import type { DeploymentStatus, ReleaseRequest, Releaser } from '../../lambdas/ports/releaser.js';
import type { ScriptedAlarmStates } from '../deployed/emulators/scripted-alarm-states.js';

/** One Releaser with what a case drives around it: its (virtual) clock and its monitors' alarm states. */
export interface ReleaserFixture {
  releaser: Releaser;
  clock: VirtualClock;
  alarms: ScriptedAlarmStates;
  /** Stops whatever the fixture started. */
  close(): Promise<void>;
}

/** Minute-aligned, like CloudWatch's evaluation instants. */
export const contractStart = new Date('2026-11-02T10:00:00.000Z');
const service = 'launch-flags';
const environment = 'prod';

function request(strategy: StrategyName, intentId = 'intent-1'): ReleaseRequest {
  return {
    intentId,
    service,
    environment,
    profile: 'flags',
    contractVersion: '1.0.0',
    content: { 'new-checkout': { enabled: true, rolloutPercent: 10 } },
    strategy: strategyByName(strategy),
    description: `${intentId}: roll the new checkout out to 10% of shoppers`,
  };
}

const minutes = (n: number) => n * 60_000;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** The state and percentage at each of `instants` (minutes after the start), checking as a poller would. */
async function timeline(
  fixture: ReleaserFixture,
  deploymentId: string,
  instants: number[],
): Promise<Array<[number, DeploymentStatus['state'], number]>> {
  const seen: Array<[number, DeploymentStatus['state'], number]> = [];
  for (const minute of instants) {
    fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(minute)));
    const status = await fixture.releaser.check(service, environment, deploymentId);
    seen.push([minute, status.state, status.percentageComplete]);
  }
  return seen;
}

/**
 * The Releaser port's contract: what AppConfig's gradual deployments do, asked of every implementation (the
 * local simulator and the AWS adapter against the AppConfig endpoint), on the same virtual clock and the same
 * scripted alarm states, with the catalog's `launch-flags` service.
 */
export function describeReleaserContract(name: string, makeFixture: () => Promise<ReleaserFixture>): void {
  describe(`Releaser contract: ${name}`, () => {
    let fixture: ReleaserFixture;
    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await fixture.close();
    });

    test('start begins DEPLOYING at the clock’s instant', async () => {
      // Act
      const status = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));

      // Assess
      expect(status).toMatchObject({
        state: 'DEPLOYING',
        percentageComplete: 0,
        startedAt: contractStart.toISOString(),
      });
      expect(status.deploymentId).toEqual(expect.any(String));
    });

    test('a linear strategy grows in equal steps over its duration, bakes, then completes', async () => {
      // Prepare
      const { deploymentId } = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));

      // Act
      const seen = await timeline(fixture, deploymentId, [1, 3, 5, 7, 8, 10, 12, 13, 14]);

      // Assess: 25% more at the end of each 2-minute interval of 8, then a 5-minute final bake.
      expect(seen).toEqual([
        [1, 'DEPLOYING', 0],
        [3, 'DEPLOYING', 25],
        [5, 'DEPLOYING', 50],
        [7, 'DEPLOYING', 75],
        [8, 'BAKING', 100],
        [10, 'BAKING', 100],
        [12, 'BAKING', 100],
        [13, 'COMPLETE', 100],
        [14, 'COMPLETE', 100],
      ]);
    });

    test('prepare numbers hosted versions from 1; a start given one deploys it without hosting another', async () => {
      // Act
      const first = await fixture.releaser.prepare(request('itv.Immediate'));
      await fixture.releaser.start({ ...request('itv.Immediate'), configurationVersion: first });
      const second = await fixture.releaser.prepare(request('itv.Immediate'));

      // Assess
      expect(first).toBe('1');
      expect(second).toBe('2');
    });

    test('a start repeated with the version a first start deployed carries on with that deployment, running or ended', async () => {
      // Prepare: the first start's answer is lost, as when its caller dies before recording it
      const version = await fixture.releaser.prepare(request('itv.Linear25Percent8Minutes'));
      const asked = { ...request('itv.Linear25Percent8Minutes'), configurationVersion: version };
      const first = await fixture.releaser.start(asked);

      // Act
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(3)));
      const whileDeploying = await fixture.releaser.start(asked);
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(14)));
      const afterItEnded = await fixture.releaser.start(asked);
      const byAnotherIntent = await fixture.releaser.start({
        ...request('itv.Immediate', 'intent-2'),
        configurationVersion: version,
      });
      // A roll-back of intent-1 deploys the configuration before it, as a version hosted for the roll-back.
      const rollBack = {
        ...request('itv.Immediate'),
        description: 'intent-1: roll back (the configuration before it)',
        content: { 'new-checkout': { enabled: false, rolloutPercent: 0 } },
        restoresPrevious: true,
      };
      const rollBackVersion = await fixture.releaser.prepare(rollBack);
      const restored = await fixture.releaser.start({ ...rollBack, configurationVersion: rollBackVersion });
      const restoredAgain = await fixture.releaser.start({
        ...rollBack,
        configurationVersion: rollBackVersion,
      });

      // Assess: one deployment for the intent; another intent deploying that version gets its own
      expect([whileDeploying.deploymentId, whileDeploying.state]).toEqual([first.deploymentId, 'DEPLOYING']);
      expect([afterItEnded.deploymentId, afterItEnded.state]).toEqual([first.deploymentId, 'COMPLETE']);
      expect(byAnotherIntent.deploymentId).not.toBe(first.deploymentId);
      expect(restored.deploymentId).not.toBe(byAnotherIntent.deploymentId);
      expect(restoredAgain.deploymentId).toBe(restored.deploymentId);
    });

    test('an immediate strategy is COMPLETE at once', async () => {
      // Act
      const status = await fixture.releaser.start(request('itv.Immediate'));

      // Assess
      expect(status).toMatchObject({ state: 'COMPLETE', percentageComplete: 100 });
    });

    test('a second start in the lane while one is DEPLOYING or BAKING is LaneBusyError; after COMPLETE it starts', async () => {
      // Prepare
      const first = await fixture.releaser.start(request('itv.Linear25Percent8Minutes', 'intent-1'));

      // Act
      const whileDeploying = await failure(fixture.releaser.start(request('itv.Immediate', 'intent-2')));
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(10)));
      const whileBaking = await failure(fixture.releaser.start(request('itv.Immediate', 'intent-2')));
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(14)));
      const after = await fixture.releaser.start(request('itv.Immediate', 'intent-2'));

      // Assess
      expect(whileDeploying).toMatchObject({ name: 'LaneBusyError' });
      expect(whileBaking).toMatchObject({ name: 'LaneBusyError' });
      expect(after.deploymentId).not.toBe(first.deploymentId);
      expect(after.state).toBe('COMPLETE');
      expect((await fixture.releaser.check(service, environment, first.deploymentId)).state).toBe('COMPLETE');
    });

    test('stop while DEPLOYING rolls back, stays rolled back, frees the lane, and a second stop is harmless', async () => {
      // Prepare
      const { deploymentId } = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(3)));

      // Act
      const stopped = await fixture.releaser.stop(service, environment, deploymentId);
      const again = await fixture.releaser.stop(service, environment, deploymentId);
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(20)));
      const later = await fixture.releaser.check(service, environment, deploymentId);
      const next = await fixture.releaser.start(request('itv.Immediate', 'intent-2'));

      // Assess
      expect(stopped.state).toBe('ROLLED_BACK');
      expect(again.state).toBe('ROLLED_BACK');
      expect(later.state).toBe('ROLLED_BACK');
      expect(next.state).toBe('COMPLETE');
    });

    test('stop during the final bake rolls back', async () => {
      // Prepare
      const { deploymentId } = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(10)));

      // Act
      const stopped = await fixture.releaser.stop(service, environment, deploymentId);

      // Assess
      expect(stopped.state).toBe('ROLLED_BACK');
    });

    test('stop after COMPLETE is DeploymentNotStoppableError and the deployment stays COMPLETE', async () => {
      // Prepare
      const { deploymentId } = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(14)));

      // Act
      const refusal = await failure(fixture.releaser.stop(service, environment, deploymentId));

      // Assess
      expect(refusal).toMatchObject({ name: 'DeploymentNotStoppableError' });
      expect((await fixture.releaser.check(service, environment, deploymentId)).state).toBe('COMPLETE');
    });

    test.each(['ALARM', 'INSUFFICIENT_DATA'] as const)(
      'a monitor in %s during the rollout rolls back at the first evaluation that sees it, naming the alarm',
      async (state) => {
        // Prepare
        const alarm = alarmName(service, 'errorRate');
        fixture.alarms.set(alarm, state, new Date(contractStart.getTime() + minutes(3)));
        const { deploymentId } = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));

        // Act
        const seen = await timeline(fixture, deploymentId, [2, 5]);
        const status = await fixture.releaser.check(service, environment, deploymentId);

        // Assess
        expect(seen).toEqual([
          [2, 'DEPLOYING', 25],
          [5, 'ROLLED_BACK', expect.any(Number)],
        ]);
        expect(status.events.find((event) => event.alarm !== undefined)?.alarm).toBe(alarm);
      },
    );

    test('a monitor in ALARM during the final bake rolls back too', async () => {
      // Prepare
      fixture.alarms.set(
        alarmName(service, 'latencyP99Ms'),
        'ALARM',
        new Date(contractStart.getTime() + minutes(11)),
      );
      const { deploymentId } = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));

      // Act
      const seen = await timeline(fixture, deploymentId, [10, 12]);

      // Assess
      expect(seen).toEqual([
        [10, 'BAKING', 100],
        [12, 'ROLLED_BACK', expect.any(Number)],
      ]);
    });

    test('a monitor in ALARM once the deployment is COMPLETE leaves it COMPLETE', async () => {
      // Prepare
      fixture.alarms.set(
        alarmName(service, 'errorRate'),
        'ALARM',
        new Date(contractStart.getTime() + minutes(14)),
      );
      const { deploymentId } = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));

      // Act
      const seen = await timeline(fixture, deploymentId, [13, 20]);

      // Assess
      expect(seen).toEqual([
        [13, 'COMPLETE', 100],
        [20, 'COMPLETE', 100],
      ]);
    });

    test('the event log, oldest first: started, each step with its percentage, bake, completed', async () => {
      // Prepare
      const { deploymentId } = await fixture.releaser.start(request('itv.Linear25Percent8Minutes'));
      fixture.clock.advanceTo(new Date(contractStart.getTime() + minutes(14)));

      // Act
      const { events } = await fixture.releaser.check(service, environment, deploymentId);

      // Assess
      const at = (minute: number) => new Date(contractStart.getTime() + minutes(minute)).toISOString();
      expect(events.map((event) => [event.type, event.at])).toEqual([
        ['DEPLOYMENT_STARTED', at(0)],
        ['PERCENTAGE_UPDATED', at(2)],
        ['PERCENTAGE_UPDATED', at(4)],
        ['PERCENTAGE_UPDATED', at(6)],
        ['PERCENTAGE_UPDATED', at(8)],
        ['BAKE_TIME_STARTED', at(8)],
        ['DEPLOYMENT_COMPLETED', at(13)],
      ]);
      expect(
        events.filter((event) => event.type === 'PERCENTAGE_UPDATED').map((event) => event.percentage),
      ).toEqual([25, 50, 75, 100]);
    });

    test('check of a deployment the environment never had is DeploymentNotFoundError', async () => {
      // Act
      const refusal = await failure(fixture.releaser.check(service, environment, '999'));

      // Assess
      expect(refusal).toMatchObject({ name: 'DeploymentNotFoundError' });
    });
  });
}
