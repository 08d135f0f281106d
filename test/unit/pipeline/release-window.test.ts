import { baselineLeadMs, releaseWindow } from '../../../lambdas/core/pipeline/release-window.js';
import { seriesPeriodSeconds } from '../../../lambdas/core/release/alarms.js';
import type { LedgerEntry } from '../../../lambdas/ports/ledger-store.js';

const entry = (seq: number, type: string, timestamp: string, payload: Record<string, unknown> = {}) =>
  ({
    ledger: 'main',
    seq,
    intentId: 'i-1',
    type,
    timestamp,
    payload,
    prevHash: '',
    idempotencyKey: `${seq}`,
  }) as unknown as LedgerEntry;

const started = entry(5, 'release.started', '2026-11-04T15:00:01Z', {
  service: 'launch-flags',
  startedAt: '2026-11-04T15:00:00.000Z',
});

describe('releaseWindow', () => {
  test('from ten minutes before the deployment started to the conclusion', () => {
    // Act
    const window = releaseWindow(
      [
        entry(0, 'intent.declared', '2026-11-04T14:59:00Z'),
        started,
        entry(9, 'intent.concluded', '2026-11-04T15:12:00Z'),
      ],
      new Date('2027-01-01T00:00:00Z'),
    );

    // Assess
    expect(window).toEqual({
      service: 'launch-flags',
      from: new Date(Date.parse('2026-11-04T15:00:00Z') - baselineLeadMs),
      to: new Date('2026-11-04T15:12:00Z'),
    });
  });

  test('to now while the release is in flight; none before a release started', () => {
    // Act
    const inFlight = releaseWindow([started], new Date('2026-11-04T15:03:00Z'));
    const before = releaseWindow([entry(0, 'intent.declared', '2026-11-04T14:59:00Z')], new Date());

    // Assess
    expect(inFlight?.to).toEqual(new Date('2026-11-04T15:03:00Z'));
    expect(before).toBeUndefined();
  });
});

describe('seriesPeriodSeconds', () => {
  test("the alarms' minute up to 240 minutes; beyond, the fewest whole minutes that keep 240 datapoints", () => {
    const from = new Date('2026-11-04T00:00:00Z');
    const plus = (minutes: number) => new Date(from.getTime() + minutes * 60_000);
    expect(seriesPeriodSeconds(from, from)).toBe(60);
    expect(seriesPeriodSeconds(from, plus(240))).toBe(60);
    expect(seriesPeriodSeconds(from, plus(241))).toBe(120);
    expect(seriesPeriodSeconds(from, plus(7 * 24 * 60))).toBe(42 * 60);
  });
});
