import { failedIntentsNote } from '../../../cli/console/views/value-document.js';
import { valueView } from '../../../cli/console/views/value-view.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concludedIntents, valueReport, valueTotals } from '../../../lambdas/core/value-report.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';

/*
 * An intent whose execution failed (a revoked delegation under a change waiting for its review, say) has no
 * `intent.concluded` entry: RecordFailure's `stage.failed` ends it. The value report counts it, as `failed`, with
 * no value realised, rather than leave it out without a word.
 */
const valueModel = { basis: 'risk-reduced', totalValueUsd: 87_600, years: 1 };
let seq = 0;
const entry = (intentId: string, type: string, minute: number, payload: unknown): StoredEntry =>
  ({
    entry: {
      seq: seq++,
      intentId,
      type,
      timestamp: new Date(Date.parse('2026-11-04T15:00:00Z') + minute * 60_000).toISOString(),
      payload,
    },
    hash: 'h',
  }) as unknown as StoredEntry;

const declared = (id: string, minute: number, service: string) =>
  entry(id, 'intent.declared', minute, {
    intent: {
      goal: { valueModel },
      change: { service, kind: 'configuration' },
      authority: { team: 'clinical' },
    },
    tags: { region: 'EMEA' },
  });

const released = [
  declared('ok', 0, 'launch-flags'),
  entry('ok', 'intent.concluded', 10, {
    outcome: 'released',
    service: 'launch-flags',
    kind: 'feature-flag',
    tier: 1,
    valuePerHourUsd: 10,
    costOfDelayUsd: 1,
    timeToValueSeconds: 600,
  }),
];
const failed = [
  declared('broke', 1, 'patient-records'),
  entry('broke', 'admission.admitted', 2, { tier: 3 }),
  entry('broke', 'review.requested', 3, { tier: 3, requester: 'alice', reviewers: ['xavier'] }),
  entry('broke', 'stage.failed', 20, { error: 'DelegationRevokedError', cause: 'revoked', release: null }),
  entry('broke', 'checkpoint.signed', 20, {}),
];

describe('an intent that failed, in the value report', () => {
  test('is counted among the intents as failed, with no value realised and its failure instant', () => {
    // Act
    const intents = concludedIntents([...released, ...failed]);
    const totals = valueTotals(valueReport(intents, ['service']));

    // Assess
    expect(intents.find((i) => i.intentId === 'broke')).toMatchObject({
      outcome: 'failed',
      service: 'patient-records',
      kind: 'configuration',
      tier: 3,
      team: 'clinical',
      tags: { region: 'EMEA' },
      costOfDelayUsd: 0,
      timeToValueSeconds: null,
      concludedAt: '2026-11-04T15:20:00.000Z',
    });
    expect(totals).toMatchObject({ intents: 2, released: 1, failed: 1, valuePerHourUsd: 10 });
  });

  test('one whose failure came after its conclusion (its seal failed) is counted once, as it concluded', () => {
    // Act
    const intents = concludedIntents([
      ...released,
      entry('ok', 'stage.failed', 11, { error: 'Error', cause: 'seal', release: null }),
    ]);

    // Assess
    expect(intents.map((i) => [i.intentId, i.outcome])).toEqual([['ok', 'released']]);
  });

  test('the text report and the console say how many failed and how they count', () => {
    // Prepare
    const answer = valueAnswer(concludedIntents([...released, ...failed]), { by: 'service' });
    const totals = valueTotals(answer.groups);

    // Act
    const note = failedIntentsNote(totals);
    const page = valueView({ ...answer, totals, formulas: [], clock: 'virtual' } as never);

    // Assess
    expect(note).toBe(
      '1 intent failed (a stage failed before it concluded): counted among the intents, as outcome failed, with $0 realised and no cost of delay',
    );
    expect(failedIntentsNote({ ...totals, failed: 0 })).toBeUndefined();
    expect(String(page)).toContain(note);
  });
});
