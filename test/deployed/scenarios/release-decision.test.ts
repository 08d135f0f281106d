import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { releaseDecisionTimeoutSeconds } from '../../../lambdas/core/pipeline/release-decision.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  type Intent,
  personCalling,
  suiteEnvironment,
} from '../harness/scenario-support.js';

/** The sample launch-flags change, made irreversible: a regression holds it rather than reverting it. */
function irreversible(intent: Intent): Intent {
  return {
    ...intent,
    title: `${intent.title} (irreversible)`,
    constraints: { reversibility: 'irreversible', onRegression: 'freeze', checks: ['checkout-e2e'] },
  };
}

/**
 * A frozen release decided over the deployed API: the stepped release holds at its first step when the error
 * rate regresses, the execution waits on AwaitReleaseDecision's task token, and alice, launch-flags' owner,
 * calling with her IAM identity, rolls it back through `POST /intents/{id}/release-decision`.
 */
describe('a held release, decided by its owner over the deployed API', () => {
  let stack: DeployedStack;

  beforeAll(async () => {
    const sample = intentSchema.parse(irreversible(example('01-low-risk-flag.json')));
    stack = await deployStack({
      ...suiteEnvironment(),
      // Irreversible changes to launch-flags are admitted in its business hours only.
      start: demoStartInstant(new Date('2026-11-03T14:00:00Z'), [sample], loadCatalog()),
    });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  test('held at its exposure, it waits for a decision; a non-owner is refused, the owner rolls it back, a second decision is refused', async () => {
    // Prepare: the error rate regresses as soon as the change serves anyone.
    stack.telemetry.inject({ service: 'launch-flags', metric: 'errorRate', value: 0.2, atPercent: 0 });
    const intent = declaredAt(irreversible(example('01-low-risk-flag.json')), stack.clock.now());
    const submitted = await stack.submit(intent, personCalling('alice'));
    expect([submitted.statusCode, submitted.body.error]).toEqual([202, undefined]);
    const id = submitted.intentId;
    expect(await stack.parkedForReview(id)).toBe(true);
    const held = await stack.ledger.forIntent(stack.ledgerName, id);
    const heldTypes = held.map((e) => e.entry.type);
    const stepsBefore = heldTypes.filter((t) => t === 'release.started' || t === 'release.step-started');
    expect((await stack.status(id))?.status).toBe('awaiting-decision');
    expect(heldTypes).toEqual(
      expect.arrayContaining(['release.frozen', 'release.escalated', 'release.decision-requested']),
    );
    expect(held.find((e) => e.entry.type === 'release.decision-requested')?.entry.payload).toMatchObject({
      deciders: ['alice'],
      cause: 'regression',
    });
    const decide = (caller: ReturnType<typeof personCalling>, decision: string) =>
      stack.clock.busy(() =>
        stack.api.request('POST', `/intents/${encodeURIComponent(id)}/release-decision`, {
          body: { decision, reason: 'the error rate is the new checkout' },
          caller,
        }),
      );

    // Act
    const notOwner = await decide(personCalling('judy'), 'roll-forward');
    const stranger = await decide({ arn: 'arn:aws:iam::123456789012:user/mallory' }, 'roll-forward');
    const decided = await decide(personCalling('alice'), 'roll-back');
    const execution = await stack.finished(id);
    const second = await decide(personCalling('alice'), 'hold');

    // Assess: refusals, then the roll-back carried out.
    expect([notOwner.statusCode, JSON.stringify(notOwner.json())]).toEqual([
      403,
      expect.stringMatching(/judy is not an owner of launch-flags/),
    ]);
    expect(stranger.statusCode).toBe(401);
    expect(decided.statusCode).toBe(200);
    expect([execution.status, execution.error]).toEqual(['SUCCEEDED', undefined]);
    expect(execution.states).toEqual(
      expect.arrayContaining(['AwaitReleaseDecision', 'ApplyReleaseDecision']),
    );
    expect(second.statusCode).toBe(409);
    expect((await stack.status(id))?.status).toBe('rolled-back');
    const entries = await stack.ledger.forIntent(stack.ledgerName, id);
    const types = entries.map((e) => e.entry.type);
    // No step after the one that held: the roll-back is the configuration before the change.
    expect(types.filter((t) => t === 'release.started' || t === 'release.step-started')).toEqual(stepsBefore);
    expect(entries.find((e) => e.entry.type === 'release.decided')?.entry.payload).toMatchObject({
      decision: 'roll-back',
      decider: 'alice',
      authenticatedAs: { method: 'aws-iam', arn: personCalling('alice').arn },
    });
    expect(entries.find((e) => e.entry.type === 'release.previous-redeployed')?.entry.payload).toMatchObject({
      previous: 'flags-disabled',
    });
    expect(types.at(-1)).toBe('checkpoint.signed');
    for (const alarm of ['itv-launch-flags-error-rate', 'itv-launch-flags-latency-p99']) {
      expect([alarm, stack.services.alarmActions.enabledNow(alarm)]).toEqual([alarm, true]);
    }
  });

  test('nobody decides within three days: the wait times out in Step Functions, the hold is kept and the intent concludes held', async () => {
    // Prepare: the first test's regression ends with its roll-back, and its alarm returns to OK (a release does not
    // start while an alarm of its lane is raised from before it); then the service regresses again, so the
    // irreversible change holds at its first step.
    stack.telemetry.clearFaults('launch-flags');
    await stack.clock.busy(() => stack.clock.sleep(5 * 60_000));
    stack.telemetry.inject({ service: 'launch-flags', metric: 'errorRate', value: 0.2, atPercent: 0 });
    const intent = declaredAt(
      { ...irreversible(example('01-low-risk-flag.json')), title: 'Launch flags, held and left undecided' },
      stack.clock.now(),
    );
    const submitted = await stack.submit(intent, personCalling('alice'));
    expect(submitted.statusCode).toBe(202);
    const id = submitted.intentId;
    expect(await stack.parkedForReview(id)).toBe(true);
    expect((await stack.status(id))?.status).toBe('awaiting-decision');

    // Act: three days and a second pass with nobody deciding; then alice decides too late.
    await stack.clock.busy(() => stack.clock.sleep(releaseDecisionTimeoutSeconds * 1000 + 1000));
    const execution = await stack.finished(id);
    const late = await stack.clock.busy(() =>
      stack.api.request('POST', `/intents/${encodeURIComponent(id)}/release-decision`, {
        body: { decision: 'roll-forward', reason: 'too late' },
        caller: personCalling('alice'),
      }),
    );

    // Assess: AwaitReleaseDecision failed with States.Timeout, its Catch carried the hold out.
    expect([execution.status, execution.error]).toEqual(['SUCCEEDED', undefined]);
    const awaited = execution.states.lastIndexOf('AwaitReleaseDecision');
    expect(awaited).toBeGreaterThan(-1);
    expect(execution.states[awaited + 1]).toBe('ApplyReleaseDecision');
    const types = await stack.entryTypes(id);
    expect(types).toContain('release.decision-timed-out');
    expect(types).not.toContain('release.decided');
    expect((await stack.status(id))?.status).toBe('held');
    expect(late.statusCode).toBe(409);
    expect(types.at(-1)).toBe('checkpoint.signed');
  });
});
