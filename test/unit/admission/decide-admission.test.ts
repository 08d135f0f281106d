import { decideAdmission } from '../../../lambdas/core/admission/decide-admission.js';
import { toRecord } from '../../../lambdas/core/admission/occupant.js';
import type { InFlightRecord } from '../../../lambdas/core/state-keys.js';
import { defaultPolicySet } from '../../../policies/index.js';
import { catalog, makeIntent, NOW, service } from '../core/fixtures.js';
import { occupant, queued } from './occupants.js';

const flagsLane = 'launch-flags-prod';
const inFlightOnFlags = toRecord(occupant('other', flagsLane, ['launch-flags']));

function decide(
  occupancy: { version: number; mine?: InFlightRecord; others: InFlightRecord[] },
  edit = makeIntent(),
) {
  return decideAdmission({
    intent: edit,
    intentId: 'me',
    service: service(edit.change.service),
    catalog,
    now: NOW,
    confidence: 0,
    occupancy,
    policies: defaultPolicySet,
  });
}

describe('decideAdmission: the record it asks to write', () => {
  test('a first arrival that must wait takes the next ticket through the sequencer', () => {
    // Act
    const decision = decide({ version: 41, others: [inFlightOnFlags] });

    // Assess
    expect(decision).toMatchObject({
      verdict: 'queued',
      arrival: 42,
      strategy: 'itv.Linear25Percent8Minutes',
    });
    expect(decision.write).toMatchObject({
      commit: true,
      record: { status: 'queued', arrival: 42, lane: flagsLane },
    });
  });

  test('a queued intent re-checking keeps its ticket and refreshes its place without the sequencer', () => {
    // Prepare
    const mine = toRecord(queued('me', flagsLane, ['launch-flags'], 42));

    // Act
    const decision = decide({ version: 50, mine, others: [inFlightOnFlags] });

    // Assess
    expect(decision.write).toMatchObject({
      commit: false,
      record: { status: 'queued', arrival: 42, lastSeenAt: NOW.toISOString() },
    });
  });

  test('admission writes the lease through the sequencer', () => {
    // Act
    const decision = decide({ version: 3, others: [] });

    // Assess
    expect(decision.verdict).toBe('admitted');
    expect(decision.write).toMatchObject({
      commit: true,
      record: { status: 'admitted', admittedAt: NOW.toISOString() },
    });
  });

  test('a rejection deletes the place it held, and still lists the intents it was checked against', () => {
    // Prepare
    const mine = toRecord(queued('me', flagsLane, ['launch-flags'], 42));
    const denied = makeIntent((d) => {
      d.authority.requester = 'mallory';
    });

    // Act
    const decision = decide({ version: 50, mine, others: [inFlightOnFlags] }, denied);

    // Assess
    expect(decision.verdict).toBe('rejected');
    expect(decision.write).toEqual({ record: null, commit: false });
    expect(decision.nonInterference.checked.map((c) => c.intentId)).toEqual(['other']);
  });

  test('an intent already admitted stays admitted on a retry, whatever arrived since', () => {
    // Prepare
    const mine = toRecord(occupant('me', flagsLane, ['launch-flags']));

    // Act
    const decision = decide({ version: 9, mine, others: [inFlightOnFlags] });

    // Assess
    expect(decision.verdict).toBe('admitted');
    expect(decision.write).toBeUndefined();
  });

  test('a record written before queueing existed counts as an admitted lease', () => {
    // Prepare
    const legacy: InFlightRecord = {
      intentId: 'legacy',
      lane: flagsLane,
      blastRadius: ['launch-flags'],
      admittedAt: NOW.toISOString(),
    };

    // Act
    const decision = decide({ version: 0, others: [legacy] });

    // Assess
    expect(decision.verdict).toBe('queued');
    expect(decision.nonInterference.blockers[0]?.status).toBe('admitted');
  });
});

describe('decideAdmission: a release that would run into a closed window', () => {
  const beforeYearEnd = new Date('2026-12-20T23:55:00Z');
  const decideAt = (now: Date, edit = makeIntent()) =>
    decideAdmission({
      intent: edit,
      intentId: 'me',
      service: service(edit.change.service),
      catalog,
      now,
      confidence: 0,
      occupancy: { version: 0, others: [] },
      policies: defaultPolicySet,
    });

  test('is refused before it starts, naming the window and the first start from which it fits', () => {
    // Act
    const decision = decideAt(beforeYearEnd);

    // Assess
    expect(decision.evaluation.failed).toEqual([]);
    expect(decision.verdict).toBe('rejected');
    expect(decision.write).toBeUndefined();
    expect(decision.failed).toHaveLength(1);
    const [failed] = decision.failed;
    expect(failed).toMatchObject({ rule: 'operational-freeze-window', domain: 'operational' });
    expect(failed?.reason).toContain('year-end-2026');
    expect(failed?.reason).toContain('2026-12-21T00:00:00.000Z');
    expect(failed?.remedy).toMatch(/set constraints\.notBefore to 2027-01-04T08:00:00\.000Z/);
  });

  test('is admitted when its whole predicted run ends before the window opens', () => {
    // Act
    const decision = decideAt(new Date(Date.parse('2026-12-21T00:00:00Z') - 14 * 60_000));

    // Assess
    expect(decision.predictedDurationSeconds).toBe(13 * 60);
    expect(decision.verdict).toBe('admitted');
  });
});
