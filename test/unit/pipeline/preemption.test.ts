import { inlineIntent, intentSchema } from '../../../lambdas/core/intent.js';
import { ledgerPayloads } from '../../../lambdas/core/ledger/entry-payloads.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { checkRelease } from '../../../lambdas/core/pipeline/check-release.js';
import { dryRunIntent } from '../../../lambdas/core/pipeline/dry-run.js';
import { preemptionOf } from '../../../lambdas/core/pipeline/preempt-release.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import type { DeploymentStatus } from '../../../lambdas/ports/releaser.js';
import { admit, declared } from '../admission/harness.js';
import {
  emergencyFix,
  type Harness,
  intentAt,
  ledgerTypes,
  pipelineHarness,
  routineReleasing,
  runToVerify,
} from './helpers/pipeline-harness.js';

async function admissionEntry(h: Harness, intentId: string) {
  const entry = (await h.ledger.forIntent('test', intentId))
    .filter((s) => s.entry.type.startsWith('admission.'))
    .at(-1);
  return ledgerPayloads['admission.admitted'].parse(entry?.entry.payload);
}

describe('emergency preemption through the pipeline stages', () => {
  test('the preempted intent learns of it at its next poll, queues behind the emergency and starts anew after it', async () => {
    // Prepare
    const h = pipelineHarness();
    const routine = await routineReleasing(h);
    const routineId = routine.declared!.intentId;
    h.clock.advance(3 * 60_000);

    // Act: the emergency is admitted at once; the routine polls, then asks for its lane again.
    const fix = await runToVerify(h, intentAt(h, emergencyFix));
    const polled = await checkRelease(routine, h.deps);
    const requeued = { ...routine, release: polled };
    const readmitted = await admitPolicy(requeued, h.deps);

    // Assess
    expect(fix.admission?.verdict).toBe('admitted');
    expect(polled).toMatchObject({ action: 'requeue', preemptedBy: fix.declared!.intentId, done: false });
    expect(polled.state).toBe('ROLLED_BACK');
    expect(readmitted).toMatchObject({ verdict: 'queued', waitingFor: [fix.declared!.intentId] });
    const record = await h.store.get(stateKeys.inFlightIntent(routineId).pk, routineId);
    expect(record?.data).toMatchObject({ status: 'queued', preemptedBy: fix.declared!.intentId });
    expect(await ledgerTypes(h, routineId)).toEqual(
      expect.arrayContaining(['release.preempted', 'release.rollback-started', 'admission.queued']),
    );
    expect((await ledgerTypes(h, routineId)).filter((t) => t === 'release.preempted')).toHaveLength(1);
    const fixStarted = await startRelease(fix, h.deps);
    expect(fixStarted.state).toBe('DEPLOYING');

    // A new deployment once the emergency's has ended and the routine is admitted again; a retried start picks
    // that one up.
    h.clock.advance(4 * 3600_000);
    const again = await startRelease(
      { ...requeued, admission: { ...readmitted, verdict: 'admitted' } },
      h.deps,
    );
    const retried = await startRelease(
      { ...requeued, admission: { ...readmitted, verdict: 'admitted' } },
      h.deps,
    );
    expect(again.deploymentId).not.toBe(routine.release!.deploymentId);
    expect(retried.deploymentId).toBe(again.deploymentId);
    expect((await ledgerTypes(h, routineId)).filter((t) => t === 'release.started')).toHaveLength(2);
  });

  test('a release that must not be reverted is not stopped: the emergency waits, and its admission says why', async () => {
    // Prepare: in launch-flags' business hours, when it takes irreversible changes.
    const h = pipelineHarness(new Date('2026-11-04T18:00:00Z'));
    const routine = await routineReleasing(h, (d) => {
      d.constraints = { reversibility: 'irreversible', onRegression: 'freeze', checks: [] };
    });
    h.clock.advance(3 * 60_000);

    // Act
    const fix = await admit(h, await declared(h, emergencyFix));
    const polled = await checkRelease(routine, h.deps);

    // Assess
    const fixId = fix.declared!.intentId;
    const admission = await admissionEntry(h, fixId);
    expect(admission.verdict).toBe('queued');
    expect(admission.nonInterference.preemption).toMatchObject({
      action: 'waits',
      intentId: routine.declared!.intentId,
      reason: expect.stringMatching(/forbid reverting/),
    });
    // Still in progress (a step of exposure, docs/RELEASE.md, deploys at once and bakes), and not stopped.
    expect(polled).toMatchObject({
      state: expect.stringMatching(/^(DEPLOYING|BAKING)$/),
      action: 'continue',
    });
    expect(await ledgerTypes(h, routine.declared!.intentId)).not.toContain('release.preempted');
  });

  test('a deployment that completed before the stop reached it is left as it ended', async () => {
    // Prepare: the routine's deployment has completed, but its execution has not yet polled or concluded.
    const h = pipelineHarness();
    const routine = await routineReleasing(h);
    h.clock.advance(4 * 3600_000);

    // Act
    const fix = await runToVerify(h, intentAt(h, emergencyFix));
    const polled = await checkRelease(routine, h.deps);

    // Assess
    const admission = await admissionEntry(h, fix.declared!.intentId);
    expect(admission.nonInterference.preemption).toMatchObject({ action: 'preempted', endedFirst: true });
    expect(polled).toMatchObject({ state: 'COMPLETE', done: true, action: 'continue' });
    expect(await ledgerTypes(h, routine.declared!.intentId)).not.toContain('release.preempted');
    expect(await h.store.get('INFLIGHT', routine.declared!.intentId)).toBeUndefined();
  });

  test('a rollback with an alarm is the alarm’s, even while a preemption of that deployment is being written', async () => {
    // Prepare
    const h = pipelineHarness();
    const key = stateKeys.preemption('int-a', 'dep-1');
    await h.store.put(key.pk, key.sk, { preemptedBy: 'int-fix', status: 'stopping' });
    const rolledBack = (alarm?: string): DeploymentStatus => ({
      deploymentId: 'dep-1',
      state: 'ROLLED_BACK',
      percentageComplete: 0,
      startedAt: h.clock.now().toISOString(),
      events: [
        {
          at: h.clock.now().toISOString(),
          type: 'ROLLBACK_STARTED',
          description: 'rollback',
          ...(alarm ? { alarm } : {}),
        },
      ],
    });

    // Act / Assess
    expect(await preemptionOf('int-a', rolledBack('itv-launch-flags-error-rate'), h.deps)).toBeUndefined();
    expect(await preemptionOf('int-a', rolledBack(), h.deps)).toMatchObject({ preemptedBy: 'int-fix' });
    expect(await preemptionOf('int-b', rolledBack(), h.deps)).toBeUndefined();
  });
});

describe('a dry run of an emergency override', () => {
  test('reports the preemption and its cost as admission then decides it, and writes nothing', async () => {
    // Prepare
    const h = pipelineHarness();
    const routine = await routineReleasing(h);
    const routineId = routine.declared!.intentId;
    h.clock.advance(3 * 60_000);
    const fix = intentAt(h, emergencyFix);
    const ledgerBefore = await h.ledger.forIntent('test', routineId);
    const leaseBefore = await h.store.get(stateKeys.inFlightIntent(routineId).pk, routineId);

    // Act
    const dry = await dryRunIntent(inlineIntent(intentSchema.parse(fix)), 'dry-fix', h.deps);
    const ledgerAfter = await h.ledger.forIntent('test', routineId);
    const leaseAfter = await h.store.get(stateKeys.inFlightIntent(routineId).pk, routineId);
    const admitted = await runToVerify(h, fix);

    // Assess
    expect(ledgerAfter).toEqual(ledgerBefore);
    expect(leaseAfter).toEqual(leaseBefore);
    const recorded = (await admissionEntry(h, admitted.declared!.intentId)).nonInterference.preemption;
    if (recorded?.action !== 'preempted')
      throw new Error(`admission did not preempt: ${JSON.stringify(recorded)}`);
    expect(recorded.intentId).toBe(routineId);
    expect(recorded.costOfDelayUsd).toBeGreaterThan(0);
    expect(dry).toMatchObject({ verdict: 'admitted', policy: { verdict: 'admitted', waitingFor: [] } });
    expect(dry.policy?.preemption).toEqual({
      action: 'preempts',
      intentId: routineId,
      deploymentId: routine.release!.deploymentId,
      predictedTimeToValueChangeSeconds: recorded.predictedTimeToValueChangeSeconds,
      costOfDelayUsd: recorded.costOfDelayUsd,
    });
  });
});
