import { type AdmissionInput, decideAdmission } from '../../../lambdas/core/admission/decide-admission.js';
import { toRecord } from '../../../lambdas/core/admission/occupant.js';
import type { PolicyRule } from '../../../lambdas/core/policy/types.js';
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

/** Admission of `edit` at `now` under the default policy set, with nothing else in flight, unless `extra` says. */
function decideAt(now: Date, edit = makeIntent(), extra: Partial<AdmissionInput> = {}) {
  return decideAdmission({
    intent: edit,
    intentId: 'me',
    service: service(edit.change.service),
    catalog,
    now,
    confidence: 0,
    occupancy: { version: 0, others: [] },
    policies: defaultPolicySet,
    ...extra,
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
  test('is refused before it starts, naming the window and the first start from which it fits', () => {
    // Act
    const decision = decideAt(beforeYearEnd);

    // Assess: the evaluation log names the freeze as the refusal over the run, as the verdict does.
    expect(decision.evaluation.failed.map((r) => r.rule)).toEqual(['operational-freeze-window']);
    expect(decision.evaluation.verdict).toBe('deny');
    expect(decision.evaluation.failed[0]).toMatchObject({
      status: 'non-compliant',
      reason: decision.failed[0]?.reason,
      context: { releaseSpan: { phase: 'in-flight', at: '2026-12-21T00:00:00.000Z' } },
    });
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

describe('decideAdmission: any rule that would stop the release during its run', () => {
  /** 2026-11-06 is a Friday: 14:50 UTC is ten minutes before the window below closes. */
  const fridayBeforeWindow = new Date('2026-11-06T14:50:00Z');
  const windowOpensAt = new Date('2026-11-07T00:00:00Z');

  /** "Changes to services owned by team growth may not release on Fridays from 15:00 UTC to midnight." */
  function fridayAfternoons(options: { namesNextAllowed: boolean }): PolicyRule {
    return {
      name: 'operational-growth-friday-afternoons',
      version: '1.0.0',
      domain: 'operational',
      description: 'No release of a service owned by growth on Fridays from 15:00 UTC to midnight.',
      evaluate: ({ service: target, now }) => {
        const closed = target.ownerTeam === 'growth' && now.getUTCDay() === 5 && now.getUTCHours() >= 15;
        if (!closed) {
          return {
            rule: 'operational-growth-friday-afternoons',
            domain: 'operational',
            status: 'compliant',
            reason: 'outside the Friday afternoon window',
            context: {},
          };
        }
        const midnight = new Date(now);
        midnight.setUTCHours(24, 0, 0, 0);
        return {
          rule: 'operational-growth-friday-afternoons',
          domain: 'operational',
          status: 'non-compliant',
          reason: `${target.name} is owned by growth, which does not release on Friday afternoons`,
          remedy: 'Release it before Friday 15:00 UTC or after midnight.',
          context: options.namesNextAllowed ? { nextAllowed: midnight.toISOString() } : {},
        };
      },
    };
  }

  const decideWith = (
    rule: PolicyRule,
    now: Date,
    edit = makeIntent(),
    extra: Partial<AdmissionInput> = {},
  ) =>
    decideAt(now, edit, {
      policies: { ...defaultPolicySet, rules: [...defaultPolicySet.rules, rule] },
      ...extra,
    });

  test.each([
    ['names nextAllowed', true],
    ['names no nextAllowed', false],
  ])(
    'a rule that %s refuses a release it would stop midway, naming the instant and the first start that fits',
    (_, namesNextAllowed) => {
      // Act
      const decision = decideWith(fridayAfternoons({ namesNextAllowed }), fridayBeforeWindow);

      // Assess: 13 minutes from 14:50 runs past 15:00, where CheckRelease would roll it back.
      expect(decision.predictedDurationSeconds).toBe(13 * 60);
      expect(decision.verdict).toBe('rejected');
      expect(decision.write).toBeUndefined();
      expect(decision.failed).toHaveLength(1);
      const [failed] = decision.failed;
      expect(failed).toMatchObject({ rule: 'operational-growth-friday-afternoons', domain: 'operational' });
      expect(failed?.reason).toContain('would still be running at 2026-11-06T15:00:00.000Z');
      expect(failed?.reason).toContain('does not release on Friday afternoons');
      expect(failed?.remedy).toContain(`set constraints.notBefore to ${windowOpensAt.toISOString()}`);
    },
  );

  test('a rule whose window never ends within the search is refused with when, and to retry after the window', () => {
    // Prepare: closed from Friday 15:00 on, for good.
    const forGood: PolicyRule = {
      ...fridayAfternoons({ namesNextAllowed: false }),
      evaluate: ({ now }) => ({
        rule: 'operational-growth-friday-afternoons',
        domain: 'operational',
        status: now.getTime() >= Date.parse('2026-11-06T15:00:00Z') ? 'non-compliant' : 'compliant',
        reason: 'closed from Friday 15:00',
        context: {},
      }),
    };

    // Act
    const decision = decideWith(forGood, fridayBeforeWindow);

    // Assess
    expect(decision.verdict).toBe('rejected');
    expect(decision.failed[0]?.remedy).toMatch(
      /^It would be refused at 2026-11-06T15:00:00\.000Z .*resubmit after the window this rule closes then has ended \(the rule does not say when\)/,
    );
  });

  test('is admitted when its whole run ends before the window closes', () => {
    // Act
    const decision = decideWith(
      fridayAfternoons({ namesNextAllowed: false }),
      new Date(Date.parse('2026-11-06T15:00:00Z') - 14 * 60_000),
    );

    // Assess
    expect(decision.verdict).toBe('admitted');
  });

  test('rules that read signals answer over the run as at its start: a live budget and no revocation pass throughout', () => {
    // Prepare: the catalog baseline says the budget is spent, the measured budget (a signal) says it is not; no
    // revocation was found. Neither changes with time, so neither may refuse the run.
    const spent = {
      ...service('launch-flags'),
      slo: { ...service('launch-flags').slo, errorBudgetRemaining: 0 },
    };

    // Act
    const decision = decideWith(
      fridayAfternoons({ namesNextAllowed: false }),
      new Date('2026-11-06T14:00:00Z'),
      makeIntent(),
      {
        service: spent,
        signals: { errorBudgetRemaining: 0.4, authorityRevoked: undefined },
      },
    );

    // Assess
    expect(decision.verdict).toBe('admitted');
    expect(decision.evaluation.results.find((r) => r.rule === 'authority-not-revoked')?.status).toBe(
      'compliant',
    );
  });
});

describe('decideAdmission: a closed window whose first start is past the intent deadline', () => {
  test('a release that would run into the freeze is told its deadline cannot be met, and of the break-glass', () => {
    // Prepare: 23:55 before the year-end freeze, due by 02:00; the freeze lifts 2027-01-04T08:00Z.
    const intent = makeIntent((d) => {
      d.timestamp = '2026-12-20T23:55:00Z';
      d.constraints = { ...d.constraints, deadline: '2026-12-21T02:00:00Z' };
    });

    // Act
    const decision = decideAt(new Date('2026-12-20T23:55:00Z'), intent);

    // Assess
    expect(decision.verdict).toBe('rejected');
    const remedy = decision.failed[0]?.remedy ?? '';
    expect(remedy).toMatch(/deadline \(constraints\.deadline 2026-12-21T02:00:00Z\) cannot be met/);
    expect(remedy).toContain('Move constraints.deadline to 2027-01-04T08:13:00.000Z or later');
    expect(remedy).toContain('set constraints.notBefore to 2027-01-04T08:00:00.000Z');
    expect(remedy).toContain('authority.emergencyOverride');
    expect(remedy).toContain('change.fixes');
  });

  test('a change refused inside the freeze is told its deadline cannot be met', () => {
    // Prepare
    const intent = makeIntent((d) => {
      d.timestamp = '2026-12-22T10:00:00Z';
      d.constraints = { ...d.constraints, deadline: '2026-12-23T10:00:00Z' };
    });

    // Act
    const decision = decideAt(new Date('2026-12-22T10:00:00Z'), intent);

    // Assess
    expect(decision.verdict).toBe('rejected');
    const remedy = decision.failed.find((f) => f.rule === 'operational-freeze-window')?.remedy ?? '';
    expect(remedy).toMatch(/deadline \(constraints\.deadline 2026-12-23T10:00:00Z\) cannot be met/);
    expect(remedy).not.toMatch(/resubmit then/);
  });

  test('a deadline the first start still meets keeps the plain remedy', () => {
    // Prepare
    const intent = makeIntent((d) => {
      d.timestamp = '2026-12-20T23:55:00Z';
      d.constraints = { ...d.constraints, deadline: '2027-01-05T00:00:00Z' };
    });

    // Act
    const decision = decideAt(new Date('2026-12-20T23:55:00Z'), intent);

    // Assess
    expect(decision.failed[0]?.remedy).toMatch(/^Schedule it for 2027-01-04T08:00:00\.000Z/);
  });
});
