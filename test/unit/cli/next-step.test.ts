import type { ItvApi } from '../../../cli/api/itv-api.js';
import { canStopFollowing, waitDetails, waitDetailsOf } from '../../../cli/api/wait-details.js';
import { nextStepLines } from '../../../cli/commands/next-step.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';

const parked = (status: string, intentId = 'i-1'): IntentStatus => ({
  intentId,
  title: 'A change',
  service: 'pricing-engine',
  status,
  outcome: null,
  tier: 2,
  timeToValueSeconds: null,
  valuePerHourUsd: null,
  valueRealised: null,
  change: null,
  valuePerHourPerEmployeeUsd: null,
  reasons: [],
  rolloutPercentage: null,
  deploymentPercentage: null,
  requester: null,
  review: null,
  steps: [],
});

describe('what to do next with an intent that waits, named from its ledger', () => {
  test('the details come from the newest entry of each kind', () => {
    // Act
    const details = waitDetailsOf([
      { type: 'review.requested', payload: { requester: 'victor', reviewers: ['yolanda'] } },
      { type: 'review.requested', payload: { requester: 'victor', reviewers: ['xavier'] } },
      {
        type: 'verification.awaiting-checks',
        payload: { missing: ['quote-regression-suite'], deadline: '2026-12-04T18:00:00.000Z' },
      },
      { type: 'admission.scheduled', payload: { dueAt: '2026-12-05T09:00:00.000Z' } },
    ]);
    // Assess
    expect(details).toEqual({
      reviewers: ['xavier'],
      checks: ['quote-regression-suite'],
      checksDeadline: '2026-12-04T18:00:00.000Z',
      dueAt: '2026-12-05T09:00:00.000Z',
    });
    expect(waitDetailsOf([{ type: 'review.requested', payload: { requester: 'victor' } }])).toEqual({});
    expect(
      waitDetailsOf([
        {
          type: 'review.requested',
          payload: { requester: 'victor', reviewers: ['xavier'], laneReleased: 'patient-records-prod' },
        },
      ]),
    ).toEqual({ reviewers: ['xavier'], laneReleased: 'patient-records-prod' });
  });

  test('a review names its reviewer of record, and locally runs as them when there is one', () => {
    expect(nextStepLines(parked('awaiting-review'), 'local', { reviewers: ['xavier'] })).toBe(
      '\ni-1 waits for a reviewer of record (xavier):\n  itv review i-1 --approve --as xavier',
    );
    expect(nextStepLines(parked('awaiting-review'), 'local', { reviewers: ['xavier', 'yolanda'] })).toBe(
      '\ni-1 waits for a reviewer of record (xavier, yolanda):\n  itv review i-1 --approve --as <reviewer>',
    );
    // Deployed, the reviewer is whoever is signed in; with no reviewers recorded, none is named.
    expect(nextStepLines(parked('awaiting-review'), 'deployed')).toBe(
      '\ni-1 waits for a reviewer of record:\n  itv review i-1 --approve',
    );
  });

  test('a check wait names each check it waits for, until when, and who may report them', () => {
    expect(
      nextStepLines(parked('awaiting-checks'), 'local', {
        checks: ['quote-regression-suite', 'load-test'],
        checksDeadline: '2026-12-04T18:00:00.000Z',
      }),
    ).toBe(
      [
        '',
        "i-1 waits until 2026-12-04T18:00:00.000Z for CI's result of quote-regression-suite, load-test:",
        '  itv check report i-1 quote-regression-suite --status passed|failed --as <principal>',
        '  itv check report i-1 load-test --status passed|failed --as <principal>',
      ].join('\n'),
    );
    // With its requester known, the hint says who besides CI may report, and locally runs as the requester.
    const requested = { ...parked('awaiting-checks'), requester: 'victor', service: 'patient-records' };
    const details = { checks: ['hipaa-audit-controls'], checksDeadline: '2026-11-04T17:00:00.000Z' };
    expect(nextStepLines(requested, 'local', details)).toBe(
      [
        '',
        "i-1 waits until 2026-11-04T17:00:00.000Z for CI's result of hipaa-audit-controls; CI, its requester (victor) or an owner of patient-records reports it:",
        '  itv check report i-1 hipaa-audit-controls --status passed|failed --as victor',
      ].join('\n'),
    );
    expect(nextStepLines(requested, 'deployed', details)).toBe(
      [
        '',
        "i-1 waits until 2026-11-04T17:00:00.000Z for CI's result of hipaa-audit-controls; CI, its requester (victor) or an owner of patient-records reports it:",
        '  itv check report i-1 hipaa-audit-controls --status passed|failed',
      ].join('\n'),
    );
    expect(nextStepLines(parked('awaiting-checks'), 'deployed')).toBe(
      '\ni-1 waits for CI to report the checks it names:\n  itv check report i-1 CHECK --status passed|failed',
    );
  });

  test('an intent that does not wait has no next step', () => {
    expect(nextStepLines(parked('released'), 'local', { reviewers: ['xavier'] })).toBe('');
  });

  test('a held release names the owners who may decide it, and until when', () => {
    // Act
    const details = waitDetailsOf([
      {
        type: 'release.decision-requested',
        payload: { deciders: ['alice', 'nina'], expiresAt: '2026-12-07T10:00:00.000Z' },
      },
    ]);
    // Assess
    expect(details).toEqual({ deciders: ['alice', 'nina'], decisionExpiresAt: '2026-12-07T10:00:00.000Z' });
    expect(nextStepLines(parked('awaiting-decision'), 'local', details)).toBe(
      [
        '',
        'i-1 waits until 2026-12-07T10:00:00.000Z for one of its owners (alice, nina) to decide its held release:',
        '  itv release decide i-1 --roll-forward|--roll-back|--hold --reason TEXT --as <owner>',
      ].join('\n'),
    );
  });

  describe('a queued intent', () => {
    const queuedEntry = {
      type: 'admission.queued',
      payload: {
        lane: 'patient-records-prod',
        waitingFor: ['int-holder'],
        nonInterference: {
          blockers: [
            {
              intentId: 'int-holder',
              status: 'admitted',
              overlap: { lane: true, services: ['patient-records'] },
              predictedFreeAt: '2026-11-04T15:00:00.000Z',
            },
          ],
        },
      },
    };

    test('its entry names its lane and the intents it queued behind', () => {
      expect(waitDetailsOf([queuedEntry])).toEqual({
        lane: 'patient-records-prod',
        queuedBehind: [{ intentId: 'int-holder', sameLane: true, services: ['patient-records'] }],
      });
    });

    test('names the intent holding its lane and, from that one’s ledger, whom it waits for', async () => {
      // Prepare: the API as it answers for the queued intent and the intent holding its lane, waiting for CI.
      const answers: Record<string, unknown> = {
        '/intents/i-1?include=entries': { entries: [queuedEntry] },
        '/intents/int-holder': {
          ...parked('awaiting-checks', 'int-holder'),
          requester: 'victor',
          service: 'patient-records',
        },
        '/intents/int-holder?include=entries': {
          entries: [
            {
              type: 'verification.awaiting-checks',
              payload: { missing: ['hipaa-audit-controls'], deadline: '2026-11-04T17:00:00.000Z' },
            },
          ],
        },
      };
      const api = {
        kind: 'local',
        client: {
          call: async (_method: string, path: string) =>
            path in answers ? { status: 200, body: answers[path] } : { status: 404, body: {} },
        },
      } as unknown as ItvApi;
      // Act
      const details = await waitDetails(api.client, parked('admission.queued'));
      const lines = nextStepLines(parked('admission.queued'), 'local', details);
      // Assess
      expect(lines).toBe(
        [
          '',
          'i-1 is queued for lane patient-records-prod behind int-holder (awaiting-checks, same lane); it is admitted on its own once that one ends or gives its place up:',
          "int-holder waits until 2026-11-04T17:00:00.000Z for CI's result of hipaa-audit-controls; CI, its requester (victor) or an owner of patient-records reports it:",
          '  itv check report int-holder hipaa-audit-controls --status passed|failed --as victor',
        ].join('\n'),
      );
      expect(lines).not.toMatch(/free at|now/);
    });

    test('behind one that has since started to wait for its reviewer, holding no lane, says it is admitted at its next re-check and keeps following', async () => {
      // Prepare: the holder's check passed and it waits for its reviewer, having given its lane up.
      const answers: Record<string, unknown> = {
        '/intents/i-1?include=entries': { entries: [queuedEntry] },
        '/intents/int-holder': parked('awaiting-review', 'int-holder'),
        '/intents/int-holder?include=entries': {
          entries: [
            {
              type: 'review.requested',
              payload: { requester: 'victor', reviewers: ['xavier'], laneReleased: 'patient-records-prod' },
            },
          ],
        },
      };
      const client = {
        call: async (_method: string, path: string) =>
          path in answers ? { status: 200, body: answers[path] } : { status: 404, body: {} },
      } as unknown as ItvApi['client'];
      // Act
      const lines = nextStepLines(
        parked('admission.queued'),
        'local',
        await waitDetails(client, parked('admission.queued')),
      );
      const stop = await canStopFollowing(client, parked('admission.queued'), { untilReviewed: false });
      // Assess: nobody queues behind a person, so the review is no step of this one's.
      expect(lines).toBe(
        '\ni-1 is queued for lane patient-records-prod behind int-holder (awaiting-review, same lane), which waits for its reviewer and holds no lane meanwhile: it is admitted at its next re-check',
      );
      expect(stop).toBe(false);
    });

    /** The API as it answers for intents queued one behind the next, by id; `last` is what the chain ends in. */
    const chainApi = (ids: string[], last: Record<string, unknown>) => {
      const answers: Record<string, unknown> = {};
      ids.forEach((id, index) => {
        const next = ids[index + 1];
        answers[`/intents/${id}`] = parked(
          next === undefined && last.status ? String(last.status) : 'admission.queued',
          id,
        );
        answers[`/intents/${id}?include=entries`] = {
          entries:
            next === undefined
              ? (last.entries ?? [])
              : [{ type: 'admission.queued', payload: { lane: 'records-prod', waitingFor: [next] } }],
        };
      });
      return {
        call: async (_method: string, path: string) =>
          path in answers ? { status: 200, body: answers[path] } : { status: 404, body: {} },
      } as unknown as ItvApi['client'];
    };
    /** A holder that keeps its lane while its fail-fast gate waits for CI's results. */
    const checks = {
      status: 'awaiting-checks',
      entries: [
        {
          type: 'verification.awaiting-checks',
          payload: { missing: ['hipaa-audit-controls'], deadline: '2026-11-04T17:00:00.000Z' },
        },
      ],
    };

    test('behind an intent itself queued behind one waiting for CI, stops following and names the check at the end of the chain', async () => {
      // Prepare: i-1 queued behind int-mid, queued behind int-holder, whose gate waits for CI's result.
      const client = chainApi(['i-1', 'int-mid', 'int-holder'], checks);
      // Act
      const stop = await canStopFollowing(client, parked('admission.queued'), { untilReviewed: false });
      const lines = nextStepLines(
        parked('admission.queued'),
        'local',
        await waitDetails(client, parked('admission.queued')),
      );
      // Assess
      expect(stop).toBe(true);
      expect(lines).toContain('i-1 is queued for lane records-prod behind int-mid (admission.queued)');
      expect(lines).toContain('int-mid is queued for lane records-prod behind int-holder (awaiting-checks)');
      expect(lines).toContain(
        "int-holder waits until 2026-11-04T17:00:00.000Z for CI's result of hipaa-audit-controls:\n  itv check report int-holder hipaa-audit-controls --status passed|failed --as <principal>",
      );
      // `--wait` follows on through the wait at the end of the chain.
      expect(await canStopFollowing(client, parked('admission.queued'), { untilReviewed: true })).toBe(false);
    });

    test('behind a chain that ends in an intent at work, or loops, or runs too deep to read, keeps following', async () => {
      const atWork = chainApi(['i-1', 'int-mid', 'int-holder'], { status: 'releasing' });
      // int-b queued behind int-a again: a loop no admission writes, read once round and no more.
      const loop = chainApi(['i-1', 'int-a', 'int-b'], {
        status: 'admission.queued',
        entries: [{ type: 'admission.queued', payload: { waitingFor: ['int-a'] } }],
      });
      const deep = chainApi(['i-1', ...Array.from({ length: 30 }, (_, n) => `int-${n}`)], checks);
      for (const client of [atWork, loop, deep]) {
        expect(await canStopFollowing(client, parked('admission.queued'), { untilReviewed: false })).toBe(
          false,
        );
      }
    });

    test('behind an intent that releases, or one that has ended, says so', () => {
      const behind = (status: IntentStatus) => ({
        lane: 'pricing-prod',
        queuedBehind: [
          { intentId: status.intentId, sameLane: false, services: ['pricing-engine'], status, details: {} },
        ],
      });
      expect(
        nextStepLines(
          parked('admission.queued'),
          'local',
          behind({ ...parked('releasing', 'int-r'), rolloutPercentage: 40 }),
        ),
      ).toBe(
        '\ni-1 is queued for lane pricing-prod behind int-r (releasing, 40 % of users, shares pricing-engine); it is admitted on its own once that one ends or gives its place up',
      );
      expect(
        nextStepLines(
          parked('admission.queued'),
          'local',
          behind({ ...parked('released', 'int-d'), outcome: 'released' }),
        ),
      ).toBe(
        '\ni-1 is queued for lane pricing-prod behind int-d (released, shares pricing-engine), which has ended: it is admitted at its next re-check',
      );
    });
  });
});
