import { outcomeOf } from '../../../lambdas/core/pipeline/learn.js';
import { releasedContent } from '../../../lambdas/core/pipeline/release-configuration.js';
import {
  errorRateFault,
  intentAt,
  launchFlagsBusinessHours,
  ledgerTypes,
  pipelineHarness,
  runRelease,
  runToVerify,
} from './helpers/pipeline-harness.js';

const fault = errorRateFault;
const businessHours = launchFlagsBusinessHours;
const irreversible = { reversibility: 'irreversible' as const, onRegression: 'freeze' as const, checks: [] };

/** The exposure of each step the release deployed, in order, from its ledger. */
async function exposures(h: ReturnType<typeof pipelineHarness>, intentId: string): Promise<number[]> {
  return (await h.ledger.forIntent('test', intentId))
    .filter((s) => s.entry.type === 'release.started' || s.entry.type === 'release.step-started')
    .map((s) => (s.entry.payload as { exposure: { percentage: number } }).exposure.percentage);
}

describe('a release that must not be reverted runs in steps of exposure, and a regression holds it', () => {
  test('a clean irreversible release deploys one step per exposure level, each baked, up to everyone', async () => {
    // Prepare
    const h = pipelineHarness(businessHours);
    const verified = await runToVerify(
      h,
      intentAt(h, (d) => Object.assign(d, { constraints: irreversible })),
    );
    const intentId = verified.declared!.intentId;

    // Act
    const released = await runRelease(h, verified);

    // Assess
    const steps = released.release!.exposure!.steps;
    expect(steps.at(-1)).toBe(100);
    expect(steps.length).toBeGreaterThan(1);
    expect(await exposures(h, intentId)).toEqual(steps);
    expect(released.release).toMatchObject({
      state: 'COMPLETE',
      done: true,
      strategy: 'itv.Immediate3MinuteBake',
    });
    expect(released.release!.exposure).toMatchObject({ index: steps.length - 1, percentage: 100 });
    // Each step is its own deployment, completed before the next starts.
    const completed = (await ledgerTypes(h, intentId)).filter((t) => t === 'release.deployment-completed');
    expect(completed).toHaveLength(steps.length);
    expect(outcomeOf(released)).toBe('released');
    // What everyone now has is what the next stepped release keeps for the users it does not expose yet.
    expect(await releasedContent('launch-flags', 'flags', h.deps)).toEqual(
      (verified.intent as { change: { payload: unknown } }).change.payload,
    );
  });

  test.each([20, 60])(
    'a regression from %i%% exposure holds the release at the first step that reaches it',
    async (atPercent) => {
      // Prepare
      const h = pipelineHarness(businessHours);
      const intent = intentAt(h, (d) =>
        Object.assign(d, { constraints: irreversible, simulation: fault(atPercent) }),
      );
      const verified = await runToVerify(h, intent);
      const intentId = verified.declared!.intentId;

      // Act
      const released = await runRelease(h, verified);

      // Assess: no step after the one that regressed, and no revert.
      const { steps } = released.release!.exposure!;
      const heldAt = steps.findIndex((percentage) => percentage >= atPercent);
      const held = steps[heldAt]!;
      expect(heldAt).toBeLessThan(steps.length - 1);
      expect(await exposures(h, intentId)).toEqual(steps.slice(0, heldAt + 1));
      expect(released.release).toMatchObject({
        state: 'COMPLETE',
        exposure: { index: heldAt, percentage: held },
        escalation: { response: 'freeze', cause: 'regression', percentage: held },
      });
      const types = await ledgerTypes(h, intentId);
      expect(types).toEqual(expect.arrayContaining(['release.frozen', 'release.escalated']));
      expect(types).not.toContain('release.rollback-started');
      const frozen = (await h.ledger.forIntent('test', intentId)).find(
        (s) => s.entry.type === 'release.frozen',
      )!;
      expect(frozen.entry.payload).toMatchObject({ percentage: held });
      // Its reason says whose share each figure is: the step's deployment reached its targets, exposing `held` % of users.
      expect((frozen.entry.payload as { reason: string }).reason).toMatch(
        new RegExp(`in ALARM at \\d+% of targets; frozen at ${held}% of users`),
      );
      expect(outcomeOf(released)).toBe('frozen');
      // Nothing was released to everyone: a held step is not what the next release keeps for the rest.
      expect(await releasedContent('launch-flags', 'flags', h.deps)).toBeUndefined();
      // The monitors roll back again once the step is over.
      expect(await h.cloudwatch.actionsEnabled(h.cloudwatch.monitorsFor('launch-flags')[0]!)).toBe(true);
    },
  );
});
