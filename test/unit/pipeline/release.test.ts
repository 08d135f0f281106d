import { LaneBusyError } from '../../../lambdas/core/errors.js';
import { laneOf } from '../../../lambdas/core/lane.js';
import { checkRelease } from '../../../lambdas/core/pipeline/check-release.js';
import { learn, outcomeOf, releaseVerdict } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import { revokeAuthority } from '../../../lambdas/core/pipeline/revocations.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import { intentStatus } from '../../../lambdas/core/pipeline/status.js';
import { stopRelease } from '../../../lambdas/core/pipeline/stop-release.js';
import { strategyByName } from '../../../lambdas/core/release/strategies.js';
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
const errorAlarm = 'itv-launch-flags-error-rate';
const businessHours = launchFlagsBusinessHours;

describe('release: progressive delivery and automatic rollback', () => {
  test('a clean release writes started, every growth step, the bake and completion to the ledger', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    // Act
    const released = await runRelease(h, verified);
    // Assess
    const intentId = verified.declared!.intentId;
    expect(released.release).toMatchObject({
      state: 'COMPLETE',
      done: true,
      strategy: 'itv.Linear25Percent8Minutes',
    });
    expect(released.release!.plan).toMatchObject({ onRegression: 'rollback', rollbackOnAlarm: true });
    const types = await ledgerTypes(h, intentId);
    expect(types.filter((t) => t.startsWith('release.'))).toEqual([
      'release.started',
      'release.deployment-started',
      'release.percentage-updated',
      'release.percentage-updated',
      'release.percentage-updated',
      'release.percentage-updated',
      'release.bake-time-started',
      'release.deployment-completed',
    ]);
    const steps = (await h.ledger.forIntent('test', intentId))
      .filter((s) => s.entry.type === 'release.percentage-updated')
      .map((s) => s.entry.payload.percentage);
    expect(steps).toEqual([25, 50, 75, 100]);
  });

  test('an alarm rolls the release back and the rollback entries and the result name it', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(
      h,
      intentAt(h, (d) => Object.assign(d, { simulation: fault(25) })),
    );
    // Act
    const released = await runRelease(h, verified);
    // Assess
    expect(released.release).toMatchObject({ state: 'ROLLED_BACK', alarm: errorAlarm });
    const rollback = (await h.ledger.forIntent('test', verified.declared!.intentId)).filter((s) =>
      s.entry.type.startsWith('release.rollback-'),
    );
    expect(rollback.map((s) => [s.entry.type, s.entry.payload.alarm])).toEqual([
      ['release.rollback-started', errorAlarm],
      ['release.rollback-completed', errorAlarm],
    ]);
    expect(outcomeOf(released)).toBe('rolled-back');
    expect(releaseVerdict(released)).toBe('regressed');
  });
});

describe('release: freeze and roll forward instead of a blind revert', () => {
  test('an irreversible change that regresses is frozen and escalated, never rolled back', async () => {
    // Prepare
    const h = pipelineHarness(businessHours);
    const intent = intentAt(h, (d) => {
      d.constraints = { reversibility: 'irreversible', onRegression: 'rollback', checks: [] };
      Object.assign(d, { simulation: fault(20) });
    });
    const verified = await runToVerify(h, intent);
    const monitors = h.cloudwatch.monitorsFor('launch-flags');
    let disabledDuringRollout = false;
    // Act
    const released = await runRelease(h, verified, async () => {
      if (!(await h.cloudwatch.actionsEnabled(monitors[0]!))) disabledDuringRollout = true;
    });
    // Assess
    const intentId = verified.declared!.intentId;
    expect(released.release!.plan).toMatchObject({ onRegression: 'freeze', rollbackOnAlarm: false });
    expect(released.release).toMatchObject({ state: 'COMPLETE', alarm: errorAlarm });
    expect(released.release!.escalation).toMatchObject({
      response: 'freeze',
      cause: 'regression',
      alarm: errorAlarm,
    });
    expect(released.release!.escalation!.percentage).toBeGreaterThanOrEqual(20);
    const types = await ledgerTypes(h, intentId);
    expect(types).toEqual(expect.arrayContaining(['release.frozen', 'release.escalated']));
    expect(types).not.toContain('release.rollback-started');
    const escalated = (await h.ledger.forIntent('test', intentId)).find(
      (s) => s.entry.type === 'release.escalated',
    )!;
    expect(escalated.entry.payload).toMatchObject({ to: ['alice'], response: 'freeze' });
    expect(disabledDuringRollout).toBe(true);
    expect(await h.cloudwatch.actionsEnabled(monitors[0]!)).toBe(true);
    expect(outcomeOf(released)).toBe('frozen');
  });

  test('a reversible change asking to roll forward completes, escalates and concludes rolled-forward, a regression', async () => {
    // Prepare
    const h = pipelineHarness();
    const intent = intentAt(h, (d) => {
      d.constraints = { reversibility: 'reversible', onRegression: 'roll-forward', checks: [] };
      Object.assign(d, { simulation: fault(25) });
    });
    const verified = await runToVerify(h, intent);
    // Act
    const released = await runRelease(h, verified);
    // Assess
    expect(released.release).toMatchObject({ state: 'COMPLETE', escalation: { response: 'roll-forward' } });
    expect(await ledgerTypes(h, verified.declared!.intentId)).toContain('release.rolling-forward');
    expect(outcomeOf(released)).toBe('rolled-forward');
    expect(releaseVerdict(released)).toBe('regressed');
  });

  test('with rollback planned but the alarm actions disabled by someone else, itv stops it itself', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(
      h,
      intentAt(h, (d) => Object.assign(d, { simulation: fault(25) })),
    );
    await h.cloudwatch.disableAlarmActions(h.cloudwatch.monitorsFor('launch-flags'));
    // Act
    const released = await runRelease(h, verified);
    // Assess
    expect(released.release).toMatchObject({ state: 'ROLLED_BACK', alarm: errorAlarm });
    expect(released.release!.stopReason).toMatch(
      /itv-launch-flags-error-rate in ALARM .* alarm actions are disabled/,
    );
    expect(releaseVerdict(released)).toBe('regressed');
  });
});

describe('release: a policy breach during the release', () => {
  test('revoked authority stops a reversible release, which AppConfig rolls back', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    await revokeAuthority(
      {
        principal: 'alice',
        services: ['launch-flags'],
        reason: 'moved to another team',
        revokedBy: 'security',
        effectiveAt: new Date(h.clock.now().getTime() + 3 * 60_000),
      },
      { state: h.store, now: h.clock.now() },
    );
    // Act
    const released = await runRelease(h, verified);
    // Assess
    expect(released.release!.state).toBe('ROLLED_BACK');
    // The rule admission evaluates names the revocation, once.
    expect(released.release!.stopReason).toMatch(
      /^policy breach during release: authority-not-revoked \(alice no longer holds authority over launch-flags: authority of alice over launch-flags revoked/,
    );
    expect(released.release!.stopReason!.match(/revoked by security/g)).toHaveLength(1);
    const stopped = (await h.ledger.forIntent('test', verified.declared!.intentId)).find(
      (s) => s.entry.type === 'release.stopped',
    )!;
    expect(stopped.entry.payload).toMatchObject({ state: 'ROLLED_BACK' });
    expect(stopped.entry.payload.reason).toMatch(/moved to another team/);
    expect(releaseVerdict(released)).toBe('not-judged');
  });

  test('a freeze window that starts mid-release stops it', async () => {
    // Prepare: admitted 20 minutes before the year-end freeze (2026-12-21T00:00Z), when its 13-minute release
    // fitted; its start then waits ten minutes (as for a reviewer), so the freeze opens while it runs
    const h = pipelineHarness(new Date('2026-12-20T23:40:00Z'));
    const verified = await runToVerify(h, intentAt(h));
    h.clock.advance(10 * 60_000);
    // Act
    const released = await runRelease(h, verified);
    // Assess
    expect(released.release!.state).toBe('ROLLED_BACK');
    expect(released.release!.stopReason).toMatch(/operational-freeze-window/);
    expect(Date.parse(released.release!.completedAt!)).toBeGreaterThanOrEqual(
      Date.parse('2026-12-21T00:00:00Z'),
    );
  });

  test('the end of business hours does not stop a release admitted before it', async () => {
    // Prepare: procurement takes changes 08:00–17:00 in Chicago; this one starts at 16:55 there
    const h = pipelineHarness(new Date('2026-11-04T22:55:00Z'));
    const intent = intentAt(h, (d) => {
      d.authority = {
        requester: 'nina',
        team: 'procurement',
        role: 'procurement-lead',
      };
      d.change = {
        service: 'procurement',
        profile: 'approval-matrix',
        contractVersion: '1.0.0',
        kind: 'configuration',
        payload: {
          autoApproveBelowUsd: 5000,
          securityReviewAboveUsd: 50000,
          preferredVendorsOnly: true,
          maxVendorRiskTier: 2,
        },
      };
    });
    const verified = await runToVerify(h, intent);
    // Act
    const released = await runRelease(h, verified);
    // Assess
    expect(released.release).toMatchObject({ state: 'COMPLETE' });
    expect(Date.parse(released.release!.completedAt!)).toBeGreaterThan(Date.parse('2026-11-04T23:00:00Z'));
  });

  test('an irreversible release is frozen and escalated on a breach, not stopped, and its exposure holds', async () => {
    // Prepare
    const h = pipelineHarness(businessHours);
    const intent = intentAt(h, (d) => {
      d.constraints = { reversibility: 'irreversible', onRegression: 'freeze', checks: [] };
    });
    const verified = await runToVerify(h, intent);
    await revokeAuthority(
      {
        principal: 'alice',
        reason: 'left the company',
        revokedBy: 'hr',
        effectiveAt: new Date(h.clock.now().getTime() + 60_000),
      },
      { state: h.store, now: h.clock.now() },
    );
    // Act
    const released = await runRelease(h, verified);
    // Assess
    expect(released.release).toMatchObject({
      state: 'COMPLETE',
      escalation: { response: 'freeze', cause: 'policy-breach' },
    });
    const types = await ledgerTypes(h, verified.declared!.intentId);
    expect(types).not.toContain('release.stopped');
    // Stepped (docs/RELEASE.md): no step starts once the breach froze it, and it never reached everyone.
    expect(types.slice(types.indexOf('release.frozen'))).not.toContain('release.step-started');
    expect(released.release!.exposure!.percentage).toBeLessThan(100);
    expect(released.release!.escalation!.percentage).toBe(released.release!.exposure!.percentage);
    expect(outcomeOf(released)).toBe('frozen');
    expect(releaseVerdict(released)).toBe('not-judged');
  });

  test('a stop that arrives after completion is recorded, not failed', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const started = { ...verified, release: await startRelease(verified, h.deps) };
    h.clock.advance(60 * 60_000);
    const asked = {
      ...started,
      release: { ...started.release!, action: 'stop' as const, stopReason: 'late breach' },
    };
    // Act
    const stopped = await stopRelease(asked, h.deps);
    // Assess
    expect(stopped).toMatchObject({ state: 'COMPLETE', done: true });
    const entries = await h.ledger.forIntent('test', verified.declared!.intentId);
    const entry = entries.find((s) => s.entry.type === 'release.stopped')!;
    expect(entry.entry.payload).toEqual({
      deploymentId: started.release!.deploymentId,
      reason: 'late breach',
      state: 'COMPLETE',
      completedBeforeStop: true,
    });
    expect(intentStatus(verified.declared!.intentId, entries)!.reasons).toContain(
      'release stopped: late breach (the deployment completed before the stop reached it; a revert needs a new intent)',
    );
  });
});

describe('release: retries', () => {
  test('a retried StartRelease picks up the first deployment instead of starting another', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const first = await startRelease(verified, h.deps);
    // Act
    const again = await startRelease(verified, h.deps);
    // Assess
    expect(again.deploymentId).toBe(first.deploymentId);
    expect(again.plan).toEqual(first.plan);
  });

  test('a StartRelease that died between starting the deployment and recording it carries on with that deployment', async () => {
    // Prepare: the first attempt's release.started never reaches the ledger (the Lambda timed out, the control
    // plane was killed); the deployment it started runs on
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const started: string[] = [];
    const start = h.deps.releaser.start.bind(h.deps.releaser);
    h.deps.releaser.start = async (request) => {
      const status = await start(request);
      started.push(status.deploymentId);
      return status;
    };
    const append = h.deps.ledger.append.bind(h.deps.ledger);
    let killed = false;
    h.deps.ledger.append = async (ledger, draft) => {
      if (draft.type === 'release.started' && !killed) {
        killed = true;
        throw new Error('killed before release.started was written');
      }
      return append(ledger, draft);
    };
    await expect(startRelease(verified, h.deps)).rejects.toThrow('killed');
    h.clock.advance(60_000);

    // Act
    const again = await startRelease(verified, h.deps);

    // Assess: one deployment, the first, which the ledger now names
    expect(new Set(started)).toEqual(new Set([again.deploymentId]));
    const recorded = (await h.ledger.forIntent('test', verified.declared!.intentId)).filter(
      (s) => s.entry.type === 'release.started',
    );
    expect(recorded.map((s) => (s.entry.payload as { deploymentId: string }).deploymentId)).toEqual([
      again.deploymentId,
    ]);
  });

  test('a retried CheckRelease writes each deployment event once', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const started = { ...verified, release: await startRelease(verified, h.deps) };
    h.clock.advance(5 * 60_000);
    // Act
    await checkRelease(started, h.deps);
    await checkRelease(started, h.deps);
    // Assess
    const types = await ledgerTypes(h, verified.declared!.intentId);
    expect(types.filter((t) => t === 'release.deployment-started')).toHaveLength(1);
  });
});

describe('learn after a release', () => {
  test('a frozen release concludes as frozen and lowers confidence', async () => {
    // Prepare
    const h = pipelineHarness(businessHours);
    const intent = intentAt(h, (d) => {
      d.constraints = { reversibility: 'irreversible', onRegression: 'freeze', checks: [] };
      Object.assign(d, { simulation: fault(20) });
    });
    const released = await runRelease(h, await runToVerify(h, intent));
    // Act
    const learned = await learn(released, h.deps);
    // Assess
    expect(learned.outcome).toBe('frozen');
    // One failure and no clean release: the 5th percentile of Beta(1, 2) is 1 − 0.95^(1/2) ≈ 0.025, below the
    // 0.05 of no history.
    expect(learned.confidence).toBeCloseTo(1 - Math.sqrt(0.95), 12);
    expect(learned.confidence).toBeLessThan(0.05);
    expect(learned.timeToValueSeconds).toBeNull();
  });
});

describe('the telemetry snapshot at the end of a release', () => {
  test('covers the release window and records SLO deltas, the budget spent and the alarms', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(
      h,
      intentAt(h, (d) => Object.assign(d, { simulation: fault(25) })),
    );
    const released = await runRelease(h, verified);
    // Act
    await observe(released, h.deps);
    // Assess
    const entry = (await h.ledger.forIntent('test', verified.declared!.intentId)).find(
      (s) => s.entry.type === 'observation.recorded',
    )!;
    const snapshot = entry.entry.payload.snapshot as {
      windowStart: string;
      windowEnd: string;
      slos: Array<{ name: string; delta: number; met: boolean }>;
      errorBudgetRemaining: number;
      errorBudgetBaseline: number;
      alarms: Array<{ name: string; state: string }>;
    };
    expect([snapshot.windowStart, snapshot.windowEnd]).toEqual([
      released.release!.startedAt,
      released.release!.completedAt,
    ]);
    expect(snapshot.slos.map((slo) => slo.name)).toEqual(['availability', 'latencyP99Ms']);
    expect(snapshot.slos[0]!.delta).toBeLessThan(0);
    expect(snapshot.errorBudgetRemaining).toBeLessThan(snapshot.errorBudgetBaseline);
    expect(snapshot.alarms).toContainEqual({ name: errorAlarm, state: 'ALARM' });
    expect(entry.entry.payload.slosMet).toBe(false);
  });
});

describe('one hosted configuration version per intent', () => {
  test('starts retried while the lane is busy deploy the version the first attempt created', async () => {
    // Prepare: another deployment holds the lane of launch-flags
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const intentId = verified.declared!.intentId;
    const environment = laneOf(h.deps.catalog.services['launch-flags']!);
    const busy = await h.deps.releaser.start({
      intentId: 'someone-else',
      service: 'launch-flags',
      environment,
      profile: 'flags',
      content: {},
      strategy: strategyByName('itv.Linear25Percent8Minutes'),
      description: 'holds the lane',
    });
    const prepared: string[] = [];
    const prepare = h.deps.releaser.prepare.bind(h.deps.releaser);
    h.deps.releaser.prepare = async (request) => {
      const version = await prepare(request);
      prepared.push(version);
      return version;
    };

    // Act: three attempts meet the busy lane; then the lane frees and the fourth starts
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(startRelease(verified, h.deps)).rejects.toBeInstanceOf(LaneBusyError);
    }
    await h.deps.releaser.stop('launch-flags', environment, busy.deploymentId);
    const started = await startRelease(verified, h.deps);

    // Assess: one version, created by the first attempt and deployed by the last
    expect(prepared).toHaveLength(1);
    const entry = (await h.ledger.forIntent('test', intentId)).find(
      (s) => s.entry.type === 'release.started',
    );
    expect(entry?.entry.payload).toMatchObject({ configurationVersion: prepared[0] });
    expect(started.state).toBe('DEPLOYING');
  });
});
