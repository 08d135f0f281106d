import { describeStage, progressPrinter } from '../../../cli/progress.js';
import type { ProgressEvent } from '../../../cli/runtime/local-pipeline.js';

const event = (state: string, extra: Partial<ProgressEvent>): ProgressEvent => ({
  executionId: 'e-1',
  intentId: 'int-1',
  state,
  phase: 'failed',
  ...extra,
});

describe('progress lines', () => {
  test("a park whose time ran out is said as the wait's end, not as a failure", () => {
    const due = describeStage(
      event('AwaitDue', { error: 'due at 2026-12-09T17:00:00Z', errorName: 'States.Timeout' }),
    );
    expect(due).toBe('due at 2026-12-09T17:00:00Z: admission runs again');
    expect(
      describeStage(
        event('AwaitLane', { error: 'the lane park ended after 60 s', errorName: 'States.Timeout' }),
      ),
    ).toBe('the lane park ended after 60 s: admission re-checks');
  });

  test("a stepped release's poll says the step's share of users, not AppConfig's percentage alone", () => {
    const poll = (exposure?: { percentage: number }) =>
      describeStage({
        executionId: 'e-1',
        intentId: 'int-1',
        state: 'CheckRelease',
        phase: 'exited',
        output: { state: 'COMPLETE', percentageComplete: 100, ...(exposure ? { exposure } : {}) },
      });
    expect(poll({ percentage: 40 })).toBe('step to 40% of users: deployment COMPLETE 100%');
    expect(poll()).toBe('release COMPLETE 100%');
  });

  test("a roll-back an owner decided is said as the roll-back it is, not as the hold's 'not reverted'", () => {
    const line = describeStage({
      executionId: 'e-1',
      intentId: 'int-1',
      state: 'CheckRelease',
      phase: 'exited',
      output: {
        state: 'BAKING',
        percentageComplete: 100,
        exposure: { percentage: 40 },
        alarm: 'itv-launch-flags-error-rate',
        escalation: { reason: 'alarm itv-launch-flags-error-rate; frozen at 40% of users: not reverted' },
        decision: { decision: 'roll-back', decider: 'alice' },
      },
    });
    expect(line).toBe(
      'rolling back (decided by alice): the configuration before the change, to everyone: deployment BAKING 100%',
    );
  });

  test('a break-glass admission says which rule it broke through, for which incident, on whose word', () => {
    const line = describeStage({
      executionId: 'e-1',
      intentId: 'int-3',
      state: 'AdmitPolicy',
      phase: 'exited',
      output: {
        verdict: 'admitted',
        tier: 1,
        requiresReviewer: true,
        exemptions: [
          { rule: 'operational-freeze-window', kind: 'emergency-fix', by: 'alice', fixes: 'INC-4711' },
        ],
      },
    });
    expect(line).toBe(
      'admitted, risk tier 1, reviewer of record required; operational-freeze-window exempted for the fix of INC-4711 declared by alice',
    );
  });

  test("an approval's re-admission says it was admitted again after the review and its release starts, not that a reviewer is required", () => {
    const readmitted = (output: Record<string, unknown>) =>
      describeStage({
        executionId: 'e-1',
        intentId: 'int-4',
        state: 'AdmitPolicy',
        phase: 'exited',
        output,
        review: { decision: 'approved', reviewer: 'xavier' },
      });
    expect(readmitted({ verdict: 'admitted', tier: 3, requiresReviewer: true })).toBe(
      'admitted again after its review (approved by xavier), risk tier 3: its release starts',
    );
    expect(
      readmitted({
        verdict: 'admitted',
        tier: 1,
        requiresReviewer: true,
        exemptions: [
          { rule: 'operational-freeze-window', kind: 'emergency-fix', by: 'grace', fixes: 'INC-5120' },
        ],
      }),
    ).toBe(
      'admitted again after its review (approved by xavier), risk tier 1: its release starts; operational-freeze-window exempted for the fix of INC-5120 declared by grace',
    );
    // Queued or refused again, the line says so as for any arrival.
    expect(readmitted({ verdict: 'queued', tier: 3, waitingFor: ['int-1'] })).toMatch(
      /^queued behind int-1 /,
    );
  });

  test('a queued intent says what it waits behind, how to look at it, and that leaving does not withdraw it', () => {
    const line = describeStage({
      executionId: 'e-1',
      intentId: 'int-2',
      state: 'AdmitPolicy',
      phase: 'exited',
      output: { verdict: 'queued', tier: 1, waitingFor: ['int-1'] },
    });
    expect(line).toBe(
      'queued behind int-1 (risk tier 1); starts on its own when the way is clear (Ctrl-C stops following, not the intent; `itv status int-1` shows what that waits for)',
    );
  });

  test('following a queued intent prints its queued line once per distinct set of blockers, not per re-check', () => {
    const lines: string[] = [];
    const print = progressPrinter((line) => lines.push(line.trim()), '');
    const queued = (waitingFor: string[], executionId = 'e-1') =>
      print({
        executionId,
        intentId: 'int-1',
        state: 'AdmitPolicy',
        phase: 'exited',
        output: { verdict: 'queued', tier: 2, waitingFor },
      });
    const woken = (executionId = 'e-1') =>
      print({
        executionId,
        intentId: 'int-1',
        state: 'AwaitLane',
        phase: 'exited',
        output: { clear: false },
      });
    for (let k = 0; k < 19; k++) {
      queued(['int-a']);
      woken();
    }
    queued(['int-b', 'int-a']);
    woken();
    queued(['int-a', 'int-b']);
    woken();
    queued(['int-a'], 'e-2');
    print({
      executionId: 'e-1',
      intentId: 'int-1',
      state: 'AdmitPolicy',
      phase: 'exited',
      output: { verdict: 'admitted', tier: 2 },
    });
    expect(lines.map((line) => line.replace(/\s+/, ' ').split(' (')[0])).toEqual([
      'AdmitPolicy queued behind int-a',
      'AwaitLane woken: admission re-checks',
      'AdmitPolicy queued behind int-b, int-a',
      'AwaitLane woken: admission re-checks',
      'AdmitPolicy queued behind int-a',
      'AdmitPolicy admitted, risk tier 2',
    ]);
  });

  test('a start waiting for a leftover alarm to clear is said as a wait, not a failure', () => {
    const line = describeStage(
      event('StartRelease', {
        error: 'monitor itv-s-error-rate in ALARM from before this release',
        errorName: 'MonitorsInAlarmError',
      }),
    );
    expect(line).toBe('waiting: monitor itv-s-error-rate in ALARM from before this release');
  });

  test("a reviewer's rejection is said as a rejection, not a failure", () => {
    expect(
      describeStage(
        event('AwaitReview', {
          error: 'xavier rejected the change: not now',
          errorName: 'ReviewRejectedError',
        }),
      ),
    ).toBe('xavier rejected the change: not now');
  });

  test('any other failure, or a timeout of a stage that is not a park, is said as a failure', () => {
    expect(describeStage(event('AwaitDue', { error: 'boom', errorName: 'TransientError' }))).toBe(
      'failed: boom',
    );
    expect(describeStage(event('StartRelease', { error: 'late', errorName: 'States.Timeout' }))).toBe(
      'failed: late',
    );
  });
});
