import type { IntentWithEntries } from '../../../cli/console/views/intent-view.js';
import { lanesOf, lanesView } from '../../../cli/console/views/lanes-view.js';
import type { LedgerEntry } from '../../../lambdas/ports/ledger-store.js';

const entry = (
  seq: number,
  type: string,
  payload: Record<string, unknown>,
  intentId: string,
): LedgerEntry => ({
  ledger: 'main',
  seq,
  prevHash: '0'.repeat(64),
  intentId,
  type,
  idempotencyKey: `${intentId}/${type}/${seq}`,
  timestamp: `2026-12-01T10:${String(seq).padStart(2, '0')}:00.000Z`,
  payload,
});

const intent = (status: string, entries: LedgerEntry[]): IntentWithEntries => ({
  intentId: entries[0]!.intentId,
  title: `change ${entries[0]!.intentId}`,
  service: 'launch-flags',
  status,
  outcome: null,
  tier: 2,
  timeToValueSeconds: null,
  valuePerHourUsd: null,
  valueRealised: null,
  change: null,
  valuePerHourPerEmployeeUsd: null,
  rolloutPercentage: null,
  deploymentPercentage: null,
  requester: null,
  review: null,
  reasons: [],
  steps: entries.map((e) => ({ seq: e.seq, type: e.type, timestamp: e.timestamp })),
  entries,
});

const admitted = (seq: number, id: string, extra: Record<string, unknown> = {}) =>
  entry(seq, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [], ...extra }, id);
const started = (seq: number, id: string) =>
  entry(
    seq,
    'release.started',
    { startedAt: '2026-12-01T10:01:00Z', deploymentDurationInMinutes: 10, finalBakeTimeInMinutes: 5 },
    id,
  );
/** The emergency `e`'s admission, naming the release of `a` it preempted (`endedFirst`: it had ended on its own). */
const emergencyAdmitted = (seq: number, endedFirst: boolean) =>
  admitted(seq, 'e', {
    nonInterference: {
      preemption: {
        action: 'preempted',
        intentId: 'a',
        deploymentId: '7',
        endedFirst,
        predictedTimeToValueChangeSeconds: 600,
        costOfDelayUsd: 2,
      },
    },
  });

/** The "Waiting for" cell of the row of `id`, its markup stripped. */
const waitingFor = (page: string, id: string) => {
  const row = new RegExp(`<tr[^>]*data-intent="${id}"[^>]*>(.*?)</tr>`, 's').exec(page)?.[1] ?? '';
  const cells = [...row.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
  return cells[3];
};

describe('the lanes view, by the core rule of who holds a lane', () => {
  test('a release an emergency preempted holds its lane no more once the emergency is admitted over it', () => {
    // Prepare: a's release preempted; its deployment had ended before the stop reached it (no release.preempted).
    const a = intent('releasing', [admitted(1, 'a'), started(2, 'a')]);
    const e = intent('admission.admitted', [emergencyAdmitted(3, true)]);
    // Act
    const rows = lanesOf([a, e]).get('launch-flags')!;
    // Assess
    expect(rows.map((r) => [r.intent.intentId, r.holding])).toEqual([
      ['e', true],
      ['a', false],
    ]);
  });

  test('a release admitted again after its preemption holds its lane again', () => {
    const a = intent('admission.admitted', [
      admitted(1, 'a'),
      started(2, 'a'),
      entry(3, 'release.preempted', { preemptedBy: 'e', lane: 'launch-flags' }, 'a'),
      admitted(5, 'a'),
    ]);
    const e = intent('admission.admitted', [emergencyAdmitted(4, false)]);
    expect(
      lanesOf([a, e])
        .get('launch-flags')!
        .map((r) => [r.intent.intentId, r.holding]),
    ).toEqual([
      ['a', true],
      ['e', true],
    ]);
  });

  test('"Waiting for" names the emergency holding the lane a preempted change waits behind', () => {
    const a = intent('preempted', [
      admitted(1, 'a'),
      started(2, 'a'),
      entry(
        3,
        'release.preempted',
        { preemptedBy: 'e', lane: 'launch-flags', requeued: 'head-of-lane' },
        'a',
      ),
    ]);
    const e = intent('releasing', [emergencyAdmitted(4, false)]);
    const page = lanesView([a, e], false).text;
    expect(waitingFor(page, 'a')).toBe(
      'e, the emergency that preempted it (queued again at the head of the lane)',
    );
  });

  test('"Waiting for" names an approved change\'s re-admission, behind the lane\'s holder', () => {
    const r = intent('review.approved', [
      admitted(1, 'r'),
      entry(2, 'review.requested', { requester: 'alice', laneReleased: 'launch-flags' }, 'r'),
      entry(4, 'review.approved', { decision: 'approved', reviewer: 'bob' }, 'r'),
    ]);
    const h = intent('releasing', [admitted(3, 'h'), started(5, 'h')]);
    const page = lanesView([r, h], false).text;
    expect(waitingFor(page, 'r')).toBe('its admission again, now approved: behind h');
    expect(waitingFor(lanesView([r], false).text, 'r')).toBe('its admission again, now approved');
  });

  test('"Waiting for" names a scheduled change\'s window', () => {
    const s = intent('admission.scheduled', [
      entry(1, 'admission.scheduled', { lane: 'launch-flags', dueAt: '2026-12-02T08:00:00Z' }, 's'),
    ]);
    expect(waitingFor(lanesView([s], false).text, 's')).toBe('its scheduled window at 2026-12-02 08:00:00Z');
  });
});
