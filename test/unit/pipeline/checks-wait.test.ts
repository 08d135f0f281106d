import { readFileSync } from 'node:fs';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import {
  checksParkOf,
  checksWaitSeconds,
  parkForChecks,
} from '../../../lambdas/core/pipeline/checks-wait.js';
import { reportCheck } from '../../../lambdas/core/pipeline/report-check.js';
import { verify } from '../../../lambdas/core/pipeline/verify.js';
import { submittedBy } from '../core/fixtures.js';
import { intentAt, pipelineHarness, runToVerify } from './helpers/pipeline-harness.js';
import { recordingWake } from './helpers/recording-wake.js';

const highRisk = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
) as IntentInput;
const { testResults: _attached, ...unchecked } = highRisk;
const caller = submittedBy(highRisk);

describe('a fail-fast gate waiting for check results (Verify, AwaitChecks)', () => {
  test('parks once for the missing checks; each report wakes the park waiting for it, and only that one', async () => {
    // Prepare: a fail-fast tier naming two checks, neither reported.
    const h = pipelineHarness();
    const wake = recordingWake();
    const deps = { ...h.deps, laneWake: wake };
    const checks = ['hipaa-audit-controls', 'audit-log-e2e'];
    const state = await runToVerify(h, {
      ...unchecked,
      constraints: { ...unchecked.constraints, checks },
    } as IntentInput);
    const intentId = state.declared!.intentId;
    const verifiedAt = h.clock.now().getTime();
    const report = (check: string) => reportCheck({ intentId, check, status: 'passed', caller }, deps);

    // Act
    const first = await parkForChecks(intentId, 'token-1', state.verification!.awaitingChecks!, deps);
    await report(checks[0]!);
    h.clock.advance(60_000);
    const again = await verify(state, deps);
    const second = await parkForChecks(intentId, 'token-2', again.awaitingChecks!, deps);
    await report(checks[0]!);
    const wokenBeforeSecond = [...wake.woken];
    await report(checks[1]!);
    const concluded = await verify(state, deps);

    // Assess
    expect(state.verification!.awaitingChecks).toEqual({
      missing: checks,
      deadline: new Date(verifiedAt + checksWaitSeconds * 1000).toISOString(),
      waitSeconds: checksWaitSeconds,
    });
    expect([first, second]).toEqual([{ woken: false }, { woken: false }]);
    expect(again.awaitingChecks).toEqual({
      missing: [checks[1]],
      deadline: state.verification!.awaitingChecks!.deadline,
      waitSeconds: checksWaitSeconds - 60,
    });
    // The repeated report of the first check does not wake the park that waits for the second only.
    expect(wokenBeforeSecond).toEqual(['token-1']);
    expect(wake.woken).toEqual(['token-1', 'token-2']);
    expect(concluded).toMatchObject({ passed: true, requiresReview: true });
    expect(concluded.awaitingChecks).toBeUndefined();
    const types = (await h.ledger.forIntent('test', intentId)).map((s) => s.entry.type);
    expect(types.filter((t) => t.startsWith('verification.'))).toEqual([
      'verification.awaiting-checks',
      'verification.passed',
    ]);
    expect((await checksParkOf(intentId, deps))?.missing).toEqual([checks[1]]);
  });

  test('a report that came between Verify and the park wakes it there', async () => {
    // Prepare
    const h = pipelineHarness();
    const wake = recordingWake();
    const deps = { ...h.deps, laneWake: wake };
    const state = await runToVerify(h, unchecked as IntentInput);
    const intentId = state.declared!.intentId;
    // Act
    await reportCheck({ intentId, check: 'hipaa-audit-controls', status: 'passed', caller }, deps);
    const parked = await parkForChecks(intentId, 'token-1', state.verification!.awaitingChecks!, deps);
    // Assess
    expect(parked).toEqual({ woken: true });
    expect(wake.woken).toEqual(['token-1']);
  });

  test('no wait when waiting is pointless or not required: a failed result, an auto-continue gate, a passed deadline', async () => {
    // Prepare
    const h = pipelineHarness();
    const failing = await runToVerify(h, {
      ...unchecked,
      title: 'One check failed, one missing',
      constraints: { ...unchecked.constraints, checks: ['hipaa-audit-controls', 'audit-log-e2e'] },
      testResults: [{ check: 'hipaa-audit-controls', passed: false, detail: 'AU-2 untested' }],
    } as IntentInput);
    const low = pipelineHarness();
    const lowRisk = await runToVerify(
      low,
      intentAt(low, (d) => {
        d.constraints = { ...d.constraints, checks: ['checkout-e2e'] };
        d.testResults = [];
      }),
    );
    const unreported = pipelineHarness();
    const late = await runToVerify(unreported, { ...unchecked, title: 'Nobody reports' } as IntentInput);
    unreported.clock.advance(checksWaitSeconds * 1000);
    // Act
    const timedOut = await verify(late, unreported.deps);
    // Assess
    expect(failing.declared?.verdict).toBe('complete');
    expect(failing.verification).toMatchObject({ passed: false });
    expect(failing.verification?.awaitingChecks).toBeUndefined();
    expect(failing.verification?.results.at(-1)).toEqual({
      check: 'audit-log-e2e',
      passed: false,
      detail: 'no result posted; a fail-fast gate does not continue without it',
    });
    expect(lowRisk.verification).toMatchObject({ passed: true });
    expect(lowRisk.verification?.results.at(-1)).toEqual({
      check: 'checkout-e2e',
      passed: true,
      detail: 'no result posted yet; auto-continue gate for this tier',
    });
    const deadline = late.verification!.awaitingChecks!.deadline;
    expect(timedOut.awaitingChecks).toBeUndefined();
    expect(timedOut.results.at(-1)).toEqual({
      check: 'hipaa-audit-controls',
      passed: false,
      detail: `no result reported by ${deadline}, when the wait for it ended; a fail-fast gate does not continue without it`,
    });
  });
});
