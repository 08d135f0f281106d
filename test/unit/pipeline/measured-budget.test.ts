import { VersionConflictError } from '../../../lambdas/core/errors.js';
import {
  type MeasuredBudget,
  readMeasuredBudget,
  recordMeasuredBudget,
} from '../../../lambdas/core/pipeline/measured-budget.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import type { StateStore } from '../../../lambdas/ports/state-store.js';
import { admit, declared, lastAdmissionEntry } from '../admission/harness.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';
import {
  intentAt,
  ledgerTypes,
  pipelineHarness,
  runIntent,
  runRelease,
  runToVerify,
} from './helpers/pipeline-harness.js';

const measured = (errorBudgetRemaining: number, measuredAt: string): MeasuredBudget => ({
  errorBudgetRemaining,
  measuredAt,
  intentId: `intent-${measuredAt}`,
});

describe('the error budget the error-budget rule reads', () => {
  test('once Observe has measured launch-flags exhausted, a change naming no fix is refused, though the catalog still has budget', async () => {
    // Prepare: the catalog gives launch-flags budget left; the last observed window spent all of it.
    const h = pipelineHarness();
    expect(h.deps.catalog.services['launch-flags']!.slo.errorBudgetRemaining).toBeGreaterThan(0);
    await recordMeasuredBudget(h.deps.state, 'launch-flags', measured(-0.05, h.clock.now().toISOString()));

    // Act
    const refused = await admit(h, await declared(h));
    const fix = await admit(
      h,
      await declared(h, (d) => {
        d.title = `${d.title} (fix)`;
        d.change.fixes = 'INC-1234';
      }),
    );

    // Assess
    expect(refused.admission?.verdict).toBe('rejected');
    const rule = ((await lastAdmissionEntry(h, refused)).evaluationLog as unknown[]).find(
      (r) => (r as { rule: string }).rule === 'operational-error-budget',
    );
    expect(rule).toMatchObject({
      status: 'non-compliant',
      context: { errorBudgetRemaining: -0.05, source: 'live', measuredAt: h.clock.now().toISOString() },
    });
    expect(fix.admission?.verdict).toBe('admitted');
  });

  test('Observe records the budget of the window it measured, and the next admission reads it as live', async () => {
    // Prepare
    const h = pipelineHarness();

    // Act
    const first = await runIntent(h, intentAt(h));
    const second = await admit(h, await declared(h, (d) => (d.title = `${d.title} again`)));

    // Assess
    const observed = (await h.ledger.forIntent('test', first.declared!.intentId)).find(
      (e) => e.entry.type === 'observation.recorded',
    );
    const snapshot = observed!.entry.payload.snapshot as { errorBudgetRemaining: number; windowEnd: string };
    expect(await readMeasuredBudget(h.deps.state, 'launch-flags')).toEqual({
      errorBudgetRemaining: snapshot.errorBudgetRemaining,
      measuredAt: snapshot.windowEnd,
      intentId: first.declared!.intentId,
    });
    const rule = ((await lastAdmissionEntry(h, second)).evaluationLog as unknown[]).find(
      (r) => (r as { rule: string }).rule === 'operational-error-budget',
    );
    expect(rule).toMatchObject({ context: { source: 'live', measuredAt: snapshot.windowEnd } });
  });

  test('an older window never replaces a newer one, in whatever order they are written', async () => {
    const state = new MemoryStateStore();
    await recordMeasuredBudget(state, 'svc', measured(0.4, '2026-11-02T10:30:00.000Z'));
    await recordMeasuredBudget(state, 'svc', measured(0.9, '2026-11-02T10:10:00.000Z'));
    expect(await readMeasuredBudget(state, 'svc')).toMatchObject({ errorBudgetRemaining: 0.4 });
    await recordMeasuredBudget(state, 'svc', measured(0.2, '2026-11-02T10:40:00.000Z'));
    expect(await readMeasuredBudget(state, 'svc')).toMatchObject({ errorBudgetRemaining: 0.2 });
  });

  test('a concurrent write is read again and the newer window kept', async () => {
    // Prepare: another Observe writes a newer window between this one's read and its write.
    const inner = new MemoryStateStore();
    let interfered = false;
    const racing: StateStore = {
      get: (pk, sk) => inner.get(pk, sk),
      list: (pk) => inner.list(pk),
      delete: (pk, sk, v) => inner.delete(pk, sk, v),
      put: async (pk, sk, data, expectedVersion) => {
        if (!interfered) {
          interfered = true;
          await inner.put(pk, sk, measured(0.7, '2026-11-02T11:00:00.000Z'));
        }
        return inner.put(pk, sk, data, expectedVersion);
      },
    };

    // Act
    await recordMeasuredBudget(racing, 'svc', measured(0.1, '2026-11-02T10:50:00.000Z'));

    // Assess
    const key = stateKeys.measuredBudget('svc');
    expect((await inner.get(key.pk, key.sk))?.data).toMatchObject({ errorBudgetRemaining: 0.7 });
  });

  test('a store that conflicts on every write is an error, not a lost measurement', async () => {
    const inner = new MemoryStateStore();
    const conflicting: StateStore = {
      get: (pk, sk) => inner.get(pk, sk),
      list: (pk) => inner.list(pk),
      delete: (pk, sk, v) => inner.delete(pk, sk, v),
      put: async () => {
        throw new VersionConflictError('changed');
      },
    };
    await expect(
      recordMeasuredBudget(conflicting, 'svc', measured(0.1, '2026-11-02T10:50:00.000Z')),
    ).rejects.toThrow(/kept changing/);
  });
});

describe('the error budget a running release is re-checked against', () => {
  /** The harness with launch-flags' catalog baseline budget at `baseline`. */
  const withBaseline = (baseline: number) => {
    const h = pipelineHarness();
    const catalog = structuredClone(h.deps.catalog);
    catalog.services['launch-flags']!.slo.errorBudgetRemaining = baseline;
    h.deps.catalog = catalog;
    return h;
  };

  test('a spent catalog baseline does not stop a release whose measured budget is healthy: admitted, verified and released', async () => {
    // Prepare: the catalog says launch-flags spent its budget; the window Observe last measured says 60% is left.
    const h = withBaseline(0);
    await recordMeasuredBudget(h.deps.state, 'launch-flags', measured(0.6, h.clock.now().toISOString()));

    // Act
    const verified = await runToVerify(h, intentAt(h));
    const released = await runRelease(h, verified);

    // Assess
    expect(verified.verification).toMatchObject({ passed: true });
    expect(released.release).toMatchObject({ state: 'COMPLETE', done: true });
    expect(released.release!.stopReason).toBeUndefined();
    expect(await ledgerTypes(h, verified.declared!.intentId)).not.toContain('release.stopped');
  });

  test('a budget measured exhausted while the release runs stops it, naming the rule', async () => {
    // Prepare: healthy when admitted; two polls in, another release's window is measured with the budget spent.
    const h = withBaseline(0.8);
    await recordMeasuredBudget(h.deps.state, 'launch-flags', measured(0.5, h.clock.now().toISOString()));
    const verified = await runToVerify(h, intentAt(h));
    let polls = 0;

    // Act
    const released = await runRelease(h, verified, async () => {
      if (++polls === 2)
        await recordMeasuredBudget(h.deps.state, 'launch-flags', measured(-0.1, h.clock.now().toISOString()));
    });

    // Assess
    expect(released.release!.state).toBe('ROLLED_BACK');
    expect(released.release!.stopReason).toMatch(
      /^policy breach during release: operational-error-budget \(launch-flags has exhausted its error budget/,
    );
    expect(await ledgerTypes(h, verified.declared!.intentId)).toContain('release.stopped');
  });
});
