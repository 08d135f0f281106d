import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concludedIntents, valueReport, valueTotals } from '../../../lambdas/core/value-report.js';
import { valueViewAnswer } from '../../../lambdas/core/value-view.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { MemoryLedgerStore } from '../pipeline/helpers/memory-ledger.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';

/*
 * A change rolled back and submitted again: attempt 2 counts its time to value and cost of delay from attempt 1's
 * declaration, so the stretch before attempt 1 concluded is in both attempts' recorded cost of delay. The report
 * counts each attempt from where the previous one ended, so the change's delay is counted once.
 */
const valueModel = { basis: 'productivity-gain', totalValueUsd: 87_600, years: 1 }; // $10/hour

function retriedChange(): Array<{ intentId: string; type: string; timestamp: string; payload: unknown }> {
  return [
    {
      intentId: 'hire',
      type: 'intent.declared',
      timestamp: '2026-11-04T15:39:00.000Z',
      payload: { intent: { goal: { valueModel } } },
    },
    { intentId: 'hire', type: 'release.started', timestamp: '2026-11-04T15:40:00.000Z', payload: {} },
    {
      intentId: 'hire',
      type: 'intent.concluded',
      timestamp: '2026-11-04T15:42:00.000Z',
      // 15:39 → 15:42 at $10/hour
      payload: {
        outcome: 'rolled-back',
        valuePerHourUsd: 10,
        costOfDelayUsd: 0.5,
        timeToValueSeconds: null,
        countedFrom: '2026-11-04T15:39:00.000Z',
      },
    },
    {
      intentId: 'hire:attempt-2',
      type: 'intent.declared',
      timestamp: '2026-11-04T15:45:00.000Z',
      payload: {
        intent: { goal: { valueModel } },
        attempt: { intentId: 'hire', number: 2, previousIntentId: 'hire' },
      },
    },
    {
      intentId: 'hire:attempt-2',
      type: 'intent.concluded',
      timestamp: '2026-11-04T15:50:30.000Z',
      // 15:39 → 15:50:30 at $10/hour: counted from the first attempt's declaration
      payload: {
        outcome: 'released',
        valuePerHourUsd: 10,
        costOfDelayUsd: 11.5 / 6,
        timeToValueSeconds: 690,
        countedFrom: '2026-11-04T15:39:00.000Z',
      },
    },
  ];
}

const stored = (drafts: ReturnType<typeof retriedChange>): StoredEntry[] =>
  drafts.map((entry, seq) => ({ entry: { ...entry, seq }, hash: 'h' }) as unknown as StoredEntry);

describe('cost of delay across attempts of one change', () => {
  test('each attempt counts from where the previous one ended: the change’s delay is counted once', () => {
    // Act
    const intents = concludedIntents(stored(retriedChange()));
    const totals = valueTotals(valueReport(intents, ['outcome']));

    // Assess: $0.50 for 15:39 → 15:42, then $1.42 for 15:42 → 15:50:30; $1.92 in all, not $2.42
    expect(intents.map((i) => [i.intentId, Number(i.costOfDelayUsd.toFixed(4))])).toEqual([
      ['hire', 0.5],
      ['hire:attempt-2', Number((8.5 / 6).toFixed(4))],
    ]);
    expect(totals.costOfDelayUsd).toBeCloseTo(11.5 / 6, 10);
  });

  test('the value view counts it the same way, the earlier attempt summarized before the later one concluded', async () => {
    // Prepare: the first attempt summarized by one request, the second by the next
    const ledger = new MemoryLedgerStore();
    const state = new MemoryStateStore();
    const drafts = retriedChange();
    const deps = { ledger, state, ledgerName: 'main' };
    for (const [i, d] of drafts.entries()) {
      await ledger.append('main', {
        ...d,
        idempotencyKey: `${d.intentId}/${d.type}`,
        payload: d.payload as Record<string, unknown>,
      });
      if (i === 2) await valueViewAnswer(deps, {});
    }

    // Act
    const answer = await valueViewAnswer(deps, {});

    // Assess
    expect(valueTotals(answer.groups).costOfDelayUsd).toBeCloseTo(11.5 / 6, 10);
    expect(answer).toEqual(valueAnswer(concludedIntents(await ledger.read('main')), {}));
    expect(stateKeys.valueSummarized('main').pk).not.toContain('#v2');
  });
});
