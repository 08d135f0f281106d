import { intentStatus } from '../../../lambdas/core/pipeline/status.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';

let seq = 0;
const entry = (type: string, payload: Record<string, unknown> = {}): StoredEntry => ({
  hash: 'a'.repeat(64),
  entry: {
    ledger: 'main',
    seq: seq++,
    prevHash: '0'.repeat(64),
    intentId: 'i',
    type,
    idempotencyKey: `i/${type}`,
    timestamp: '2026-11-02T09:00:00Z',
    payload,
  },
});
const declared = entry('intent.declared', { intent: { title: 'T', change: { service: 'launch-flags' } } });

describe('intentStatus', () => {
  test('a stepped release reports the share of users exposed, apart from its deployment’s own percentage', () => {
    // Prepare: steps of 10, 40 and 100 % of users; the second step's deployment reached every target, then held.
    const exposure = (index: number) => ({ steps: [10, 40, 100], index, percentage: [10, 40, 100][index] });
    const progress = (deploymentId: string, index: number, percentage: number) =>
      entry('release.percentage-updated', {
        deploymentId,
        index,
        at: 'x',
        type: 't',
        description: 'd',
        percentage,
      });
    const started = [
      declared,
      entry('release.started', { deploymentId: '1', exposure: exposure(0) }),
      progress('1', 0, 100),
      entry('release.step-started', { deploymentId: '2', exposure: exposure(1) }),
    ];

    // Act
    const midStep = intentStatus('i', [...started, progress('2', 0, 50)])!;
    const held = intentStatus('i', [...started, progress('2', 0, 100), entry('release.frozen', {})])!;

    // Assess
    expect([midStep.rolloutPercentage, midStep.deploymentPercentage]).toEqual([25, 50]);
    expect([held.rolloutPercentage, held.deploymentPercentage]).toEqual([40, 100]);
  });

  test('a release in one deployment exposes the share of targets it reached', () => {
    const status = intentStatus('i', [
      declared,
      entry('release.started', { deploymentId: '1' }),
      entry('release.percentage-updated', { deploymentId: '1', index: 0, percentage: 30 }),
    ])!;
    expect([status.rolloutPercentage, status.deploymentPercentage]).toEqual([30, 30]);
  });

  test('a stopped intent says who stopped it, why, and what the stop did', () => {
    const status = intentStatus('i', [
      declared,
      entry('intent.stopped', {
        by: 'victor',
        authenticatedAs: { method: 'local', via: 'itv stop --as' },
        reason: 'wrong week',
        requestedAt: '2026-11-02T09:00:00Z',
        action: 'withdrawn',
        stage: 'AdmitPolicy',
      }),
      entry('intent.concluded', { outcome: 'stopped', timeToValueSeconds: null, valuePerHourUsd: 5 }),
    ])!;
    expect(status.reasons).toEqual(['stopped by victor: wrong week (withdrawn at AdmitPolicy)']);
  });

  test('a held release no longer says it waits for its owners once one of them decided', () => {
    const asked = entry('release.decision-requested', {
      deploymentId: '2',
      deciders: ['alice', 'bob'],
      team: null,
      percentage: 40,
      exposure: { steps: [10, 40, 100], index: 1, percentage: 40 },
      cause: 'regression',
      reason: 'in ALARM',
      expiresAt: '2026-11-05T09:00:00Z',
    });
    const waiting = intentStatus('i', [declared, asked])!;
    const decided = intentStatus('i', [
      declared,
      asked,
      entry('release.decided', {
        deploymentId: '2',
        decision: 'hold',
        decider: 'alice',
        authenticatedAs: { method: 'local', via: 'itv release decide --as' },
        reason: 'keep it',
        decidedAt: '2026-11-02T10:00:00Z',
      }),
    ])!;
    expect(waiting.reasons).toEqual([
      'held at 40%: waiting until 2026-11-05T09:00:00Z for alice, bob to decide (roll-forward, roll-back or hold)',
    ]);
    expect(decided.reasons).toEqual(['alice decided hold: keep it']);
  });

  test('names the requester, and once reviewed who decided, what, when and why', () => {
    // Prepare
    const declaredBy = entry('intent.declared', {
      intent: { title: 'T', change: { service: 'patient-records' }, authority: { requester: 'victor' } },
    });
    const requested = entry('review.requested', { tier: 3, requester: 'victor', reviewers: ['xavier'] });
    const approved = entry('review.approved', {
      decision: 'approved',
      reviewer: 'xavier',
      authenticatedAs: { method: 'local', via: 'itv review --as' },
      reason: 'access controls reviewed',
      decidedAt: '2026-11-02T10:00:00Z',
    });

    // Act
    const waiting = intentStatus('i', [declaredBy, requested])!;
    const reviewed = intentStatus('i', [declaredBy, requested, approved])!;
    const undeclared = intentStatus('i', [entry('intent.incomplete', { issues: [] })])!;

    // Assess
    expect([waiting.requester, waiting.review]).toEqual(['victor', null]);
    expect(reviewed.requester).toBe('victor');
    expect(reviewed.review).toEqual({
      decision: 'approved',
      reviewer: 'xavier',
      decidedAt: '2026-11-02T10:00:00Z',
      reason: 'access controls reviewed',
      // How the reviewer authenticated, as the review recorded it.
      authenticatedAs: { method: 'local', via: 'itv review --as' },
    });
    expect(reviewed.steps.at(-1)).toEqual({
      seq: approved.entry.seq,
      type: 'review.approved',
      timestamp: approved.entry.timestamp,
    });
    expect([undeclared.requester, undeclared.review]).toEqual([null, null]);
  });

  test('an approval recorded without a reason reads as none', () => {
    const status = intentStatus('i', [
      declared,
      entry('review.approved', {
        decision: 'approved',
        reviewer: 'xavier',
        decidedAt: '2026-11-02T10:00:00Z',
      }),
    ])!;
    expect(status.review).toEqual({
      decision: 'approved',
      reviewer: 'xavier',
      decidedAt: '2026-11-02T10:00:00Z',
      reason: null,
      // A review recorded before identities were.
      authenticatedAs: null,
    });
  });

  test('an unknown intent has no status', () => {
    expect(intentStatus('i', [])).toBeUndefined();
  });

  test('a policy rejection explains each failed constraint and what would pass', () => {
    const status = intentStatus('i', [
      declared,
      entry('admission.rejected', {
        tier: 1,
        failed: [{ rule: 'authority', reason: 'not an owner', remedy: 'ask an owner' }],
      }),
      entry('intent.concluded', {
        outcome: 'rejected-policy',
        tier: 1,
        timeToValueSeconds: null,
        valuePerHourUsd: 5,
      }),
    ])!;
    expect(status).toMatchObject({
      status: 'rejected-policy',
      service: 'launch-flags',
      tier: 1,
      valuePerHourUsd: 5,
    });
    expect(status.reasons).toEqual(['authority: not an owner (would pass: ask an owner)']);
  });

  test('a failed intent stays failed after its failure path restores monitors and seals it', () => {
    const failed = entry('stage.failed', { error: 'Error', cause: 'bucket unreachable', release: null });
    const entries = [
      declared,
      entry('admission.admitted', { tier: 1 }),
      entry('release.started', { deploymentId: '1' }),
      failed,
      entry('release.monitors-restored', {
        service: 'launch-flags',
        environment: 'prod',
        alarms: [],
        deploymentId: '1',
        trigger: 'failure-path',
      }),
      entry('checkpoint.signed', {}),
    ];
    expect(intentStatus('i', entries)!.status).toBe('failed');
  });

  test('waiting for review until a decision is recorded', () => {
    const waiting = [declared, entry('admission.admitted', { tier: 3 }), entry('review.requested')];
    expect(intentStatus('i', waiting)!.status).toBe('awaiting-review');
    const approved = entry('review.approved', {
      decision: 'approved',
      reviewer: 'xavier',
      decidedAt: '2026-11-02T09:30:00Z',
    });
    expect(intentStatus('i', [...waiting, approved, entry('release.started')])!.status).toBe('releasing');
  });

  test('preempted by an emergency until its release starts again, with who preempted it and at what cost', () => {
    // Prepare
    const preempted = entry('release.preempted', {
      deploymentId: 'dep-1',
      preemptedBy: 'int-fix',
      requester: 'victor',
      lane: 'patient-records-prod',
      action: 'rolled-back',
      predictedTimeToValueChangeSeconds: 6000,
      costOfDelayUsd: 95.13,
      valuePerHourUsd: 57.08,
      requeued: 'head-of-lane',
      at: '2026-11-02T09:40:00Z',
    });
    const waiting = [declared, entry('release.started'), preempted, entry('admission.queued', { tier: 3 })];

    // Act
    const status = intentStatus('i', waiting)!;
    const again = intentStatus('i', [...waiting, entry('admission.admitted'), entry('release.started')])!;

    // Assess
    expect(status.status).toBe('preempted');
    expect(status.reasons).toEqual([
      'preempted by emergency int-fix (override by victor): deployment dep-1 rolled back, queued again at the head of patient-records-prod; predicted 100 min later to value, $95.13 cost of delay',
    ]);
    expect(again.status).toBe('releasing');
  });

  test('an incomplete intent lists its field issues and has no value per hour', () => {
    const status = intentStatus('i', [
      entry('intent.incomplete', { issues: [{ path: 'goal', message: 'goal: is required' }] }),
      entry('intent.concluded', { outcome: 'rejected-incomplete', valuePerHourUsd: 0, tier: null }),
    ])!;
    expect(status.reasons).toEqual(['goal: is required']);
    expect(status.valuePerHourUsd).toBeNull();
  });
});

describe('intentStatus: sentences composed from recorded facts', () => {
  const structure = {
    service: 'launch-flags',
    profile: 'flags',
    contractVersion: '1.0.0',
    verdict: 'schema-update-required',
    errors: [],
    missingKeys: ['beta'],
    payloadDigest: 'd',
  };

  test('a schema update required names the keys, the contract and the version to exceed', () => {
    const status = intentStatus('i', [
      declared,
      entry('structure.schema-update-required', { ...structure, latestContractVersion: '1.2.0' }),
    ])!;
    expect(status.reasons).toEqual([
      'The payload has keys that contract launch-flags/flags@1.0.0 lacks: "beta". Submit a schema-update intent for profile "flags" of service "launch-flags" that adds "beta" in a version greater than 1.2.0, then resubmit this change against that version.',
    ]);
  });

  test('an entry from before the facts were recorded shows the sentence it stored', () => {
    const status = intentStatus('i', [
      declared,
      entry('structure.schema-update-required', { ...structure, message: 'as it was written' }),
    ])!;
    expect(status.reasons).toEqual(['as it was written']);
  });

  test('an escalation says to whom, why, and what the owners must decide', () => {
    const status = intentStatus('i', [
      declared,
      entry('release.escalated', {
        deploymentId: '1',
        to: ['alice'],
        team: 'growth',
        response: 'roll-forward',
        cause: 'regression',
        reason: 'monitor m in ALARM at 20%',
      }),
    ])!;
    expect(status.reasons).toEqual([
      'escalated to growth: monitor m in ALARM at 20%; submit the fix-forward change',
    ]);
  });

  test('an entry that lacks a fact its type records is an integrity error naming it', () => {
    expect(() => intentStatus('i', [declared, entry('release.escalated', { to: ['alice'] })])).toThrow(
      /\(release\.escalated\) of intent i: payload field "team"/,
    );
  });

  test('value per hour per employee beside value per hour, when the value model names its employees', () => {
    const valueModel = { basis: 'savings', totalValueUsd: 87_600, years: 1, employeeCount: 40 };
    const withEmployees = entry('intent.declared', {
      intent: { title: 'T', change: { service: 'launch-flags' }, goal: { valueModel } },
    });
    const concluded = entry('intent.concluded', { outcome: 'released', valuePerHourUsd: 10, tier: 0 });

    expect(intentStatus('i', [withEmployees, concluded])).toMatchObject({
      valuePerHourUsd: 10,
      valuePerHourPerEmployeeUsd: 0.25,
    });
    expect(intentStatus('i', [declared, concluded])!.valuePerHourPerEmployeeUsd).toBeNull();
  });

  test('says whether its value per hour was realised, and what it changes, as declared', () => {
    // Prepare
    const declaredChange = entry('intent.declared', {
      intent: {
        title: 'T',
        change: {
          service: 'launch-flags',
          profile: 'flags',
          contractVersion: '1.0.0',
          kind: 'feature-flag',
          payload: {},
        },
      },
    });
    const concluded = (outcome: string) =>
      entry('intent.concluded', { outcome, valuePerHourUsd: 40, tier: 0 });

    // Act
    const released = intentStatus('i', [declaredChange, concluded('released')])!;
    const stopped = intentStatus('i', [declaredChange, concluded('stopped')])!;
    const inFlight = intentStatus('i', [declaredChange])!;
    const refused = intentStatus('i', [entry('intent.incomplete', { issues: [] })])!;

    // Assess
    expect([released.valuePerHourUsd, released.valueRealised]).toEqual([40, true]);
    expect([stopped.valuePerHourUsd, stopped.valueRealised]).toEqual([40, false]);
    expect([inFlight.valuePerHourUsd, inFlight.valueRealised]).toEqual([null, null]);
    expect(released.change).toEqual({
      service: 'launch-flags',
      profile: 'flags',
      contractVersion: '1.0.0',
      kind: 'feature-flag',
    });
    expect([refused.change, refused.valueRealised]).toEqual([null, null]);
  });
});
