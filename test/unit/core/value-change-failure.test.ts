import { compoundingCurves } from '../../../lambdas/core/value-compounding-curve.js';
import { doraOverTime } from '../../../lambdas/core/value-dora-periods.js';
import { concludedIntents, doraFigures, isFailedChange } from '../../../lambdas/core/value-report.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { concluded } from './value-fixtures.js';

/*
 * DORA's change failure: a deployment that degraded the service. The release's verdict says so (`regressed`),
 * not its outcome: a release that breached its SLOs failed though it stayed out, and a rollback forced by a
 * policy breach (`not-judged`, no fault of the change) neither failed nor restored anything.
 */
const breachedSlos = concluded({ intentId: 'slo', outcome: 'released', releaseVerdict: 'regressed' });
const policyRollback = concluded({
  intentId: 'policy',
  outcome: 'rolled-back',
  releaseVerdict: 'not-judged',
  restoreSeconds: 60,
  concludedAt: '2026-11-02T10:00:00Z',
});
const alarmRollback = concluded({
  intentId: 'alarm',
  outcome: 'rolled-back',
  releaseVerdict: 'regressed',
  restoreSeconds: 600,
  concludedAt: '2026-11-02T11:00:00Z',
});
const clean = concluded({ intentId: 'clean', outcome: 'released', releaseVerdict: 'clean' });

describe('a change failure is a release whose verdict is regressed', () => {
  test('a release that breached its SLOs failed; a rollback forced by a policy breach did not', () => {
    expect(isFailedChange(breachedSlos)).toBe(true);
    expect(isFailedChange(alarmRollback)).toBe(true);
    expect(isFailedChange(policyRollback)).toBe(false);
    expect(isFailedChange(clean)).toBe(false);
  });

  test('an entry recorded without a verdict falls back to its outcome', () => {
    expect(isFailedChange(concluded({ outcome: 'rolled-back' }))).toBe(true);
    expect(isFailedChange(concluded({ outcome: 'released' }))).toBe(false);
  });

  test('change failure rate and time to restore: failed over every change that reached users', () => {
    // Prepare: four deployments, two of which degraded the service; one restored by its rollback.
    const dora = doraFigures([clean, breachedSlos, policyRollback, alarmRollback]);

    // Assess: the policy rollback deployed (in the denominator) but neither failed nor restored.
    expect(dora.changeFailureRate).toBe(2 / 4);
    expect(dora.timeToRestoreSeconds).toBe(600);
    expect(dora.deploymentsPerDay).toBe(2);
  });

  test('DORA per period counts failures the same way', () => {
    const [period] = doraOverTime([clean, breachedSlos, policyRollback, alarmRollback], {
      since: null,
      until: null,
    }).periods;

    expect(period).toMatchObject({
      released: 2,
      failed: 2,
      changeFailureRate: 0.5,
      timeToRestoreSeconds: 600,
    });
  });

  test('the compounding curve marks the regressed release and not the policy rollback', () => {
    const [curve] = compoundingCurves([clean, breachedSlos, policyRollback, alarmRollback]).curves;

    expect(curve!.releases).toBe(2);
    expect(curve!.failures.map((f) => [f.intentId, f.outcome, f.after])).toEqual([
      ['slo', 'released, regressed', 1],
      ['alarm', 'rolled-back', 2],
    ]);
  });

  test('each concluded intent carries its release verdict from the ledger, null where none was recorded', () => {
    const entries = [
      {
        seq: 0,
        intentId: 'a',
        payload: { outcome: 'released', valuePerHourUsd: 1, releaseVerdict: 'regressed' },
      },
      { seq: 1, intentId: 'b', payload: { outcome: 'released', valuePerHourUsd: 1 } },
    ].map(
      ({ seq, intentId, payload }) =>
        ({
          entry: { seq, intentId, type: 'intent.concluded', timestamp: '2026-11-02T09:00:00Z', payload },
          hash: 'h',
        }) as unknown as StoredEntry,
    );

    expect(concludedIntents(entries).map((i) => i.releaseVerdict)).toEqual(['regressed', null]);
  });
});
