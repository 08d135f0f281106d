import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { type IntentWithEntries, intentView } from '../../../cli/console/views/intent-view.js';
import { intentsView } from '../../../cli/console/views/intents-view.js';
import { lanesOf, lanesView } from '../../../cli/console/views/lanes-view.js';
import { stopReasonMaxLength } from '../../../lambdas/core/pipeline/stop-intent.js';
import type { LedgerEntry } from '../../../lambdas/ports/ledger-store.js';

const entry = (
  seq: number,
  type: string,
  payload: Record<string, unknown>,
  intentId = 'int-1',
): LedgerEntry => ({
  ledger: 'main',
  seq,
  prevHash: '0'.repeat(64),
  intentId,
  type,
  idempotencyKey: `${intentId}/${type}/${seq}`,
  timestamp: `2026-12-01T10:0${seq}:00.000Z`,
  payload,
});

const intent = (
  status: string,
  entries: LedgerEntry[],
  outcome: string | null = null,
): IntentWithEntries => ({
  intentId: entries[0]?.intentId ?? 'int-1',
  title: 'Raise the <b>limit</b>',
  service: 'launch-flags',
  status,
  outcome,
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

const spki = new Uint8Array(
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }),
);

describe('the intent view', () => {
  test('offers the review only while the intent waits for one, and stop only while it is in flight', () => {
    const waiting = intentView(
      intent('awaiting-review', [entry(0, 'review.requested', { requester: 'victor' })]),
      {
        formToken: 't0k',
      },
    ).text;
    const released = intentView(
      intent('released', [entry(0, 'intent.concluded', { outcome: 'released' })], 'released'),
      {
        formToken: 't0k',
      },
    ).text;
    const rolledBack = intentView(
      intent('rolled-back', [entry(0, 'intent.concluded', { outcome: 'rolled-back' })], 'rolled-back'),
      { formToken: 't0k' },
    ).text;

    expect(waiting).toContain('value="approve"');
    expect(waiting).toContain('action="/intents/int-1/stop"');
    // The form takes as long a reason as the API does, no longer.
    expect(waiting).toMatch(new RegExp(`id="stop-reason"[^>]*maxlength="${stopReasonMaxLength}"`));
    expect(waiting).toContain('name="form" value="t0k"');
    expect(released).not.toContain('value="approve"');
    expect(released).not.toContain('/stop"');
    expect(released).not.toContain('/retry"');
    expect(rolledBack).toContain('action="/intents/int-1/retry"');
    expect(waiting).toContain('Raise the &lt;b&gt;limit&lt;/b&gt;');
  });

  test('the value per hour of an intent that did not release is declared, not realised', () => {
    const concluded = (outcome: string) =>
      intentView(
        { ...intent(outcome, [entry(0, 'intent.concluded', { outcome })], outcome), valuePerHourUsd: 17.12 },
        { formToken: 't0k' },
      ).text;

    expect(concluded('rolled-back')).toContain('Value per hour, declared, not realised');
    expect(concluded('released')).not.toContain('not realised');
  });

  test('the timeline colours a conclusion by its outcome: only a release is green', () => {
    const toneOf = (outcome: string) => {
      const page = intentView(intent(outcome, [entry(0, 'intent.concluded', { outcome })], outcome), {
        formToken: 't',
      }).text;
      return /<li class="([^"]*)"><strong>intent\.concluded<\/strong>/.exec(page)?.[1];
    };
    expect(toneOf('released')).toBe('ok');
    for (const outcome of ['rejected-policy', 'rolled-back', 'rejected-review', 'failed', 'refused']) {
      expect([outcome, toneOf(outcome)]).toEqual([outcome, 'bad']);
    }
    expect(toneOf('held')).toBe('warn');
    expect(toneOf('frozen')).toBe('warn');
    // A person stopped it: shown as its status badge shows it, neither a success nor a failure.
    expect(toneOf('stopped')).toBe('info');
  });

  test('the review names who may decide it: the reviewers of record its request recorded, or that none may', () => {
    const review = (payload: Record<string, unknown>) =>
      intentView(intent('awaiting-review', [entry(0, 'review.requested', payload)]), { formToken: 't' }).text;

    const named = review({ tier: 3, requester: 'victor', reviewers: ['xavier', 'yusuf'] });
    const none = review({ tier: 3, requester: 'wendy', reviewers: [] });
    const unrecorded = review({ tier: 3, requester: 'victor' });

    expect(named).toContain(
      'May approve or reject: <strong>xavier</strong>, <strong>yusuf</strong> (its reviewers of record; never its requester, victor).',
    );
    expect(none).toContain(
      '<strong>No reviewer of record may decide it:</strong> the catalog named none but its requester (or whom it was requested for) when the review was requested.',
    );
    expect(unrecorded).toContain('the API checks that you are a reviewer of record for this change');
    expect(unrecorded).not.toContain('May approve or reject');
  });

  test('the policy evaluation states the confidence as the CLI does, to two places', () => {
    const view = intentView(
      intent('awaiting-review', [
        entry(0, 'admission.admitted', {
          evaluationLog: [],
          riskFactors: [{ name: 'blast-radius', points: 0, detail: '1 service(s) affected' }],
          confidence: 0.2789364483160431,
        }),
      ]),
      { formToken: 't' },
    ).text;
    expect(view).toContain('; confidence 0.28.</p>');
  });

  test("a decision whose signature does not verify with the ledger's key is shown as INVALID", () => {
    const envelope = {
      payloadType: 'application/vnd.itv.decision+json',
      payload: 'e30=',
      signatures: [{ keyid: '', sig: 'AAAA' }],
    };
    const view = intentView(
      intent('releasing', [
        entry(0, 'decision.signed', { decisionId: 'dec-1', digest: 'ab'.repeat(32), keyId: 'k', envelope }),
      ]),
      { formToken: 't', publicKeySpkiDer: spki },
    ).text;
    expect(view).toContain('signature INVALID');
    expect(view).not.toContain('signature valid');
  });

  test('the rollout chart marks a rollback with the alarm that caused it', () => {
    const view = intentView(
      intent('rolled-back', [
        entry(0, 'release.deployment-started', { at: '2026-12-01T10:00:00Z', percentage: 0 }),
        entry(1, 'release.percentage-updated', { at: '2026-12-01T10:02:00Z', percentage: 25 }),
        entry(2, 'release.rollback-started', {
          at: '2026-12-01T10:03:00Z',
          percentage: 25,
          alarm: 'itv-x-error-rate',
        }),
        entry(3, 'release.rollback-completed', { at: '2026-12-01T10:03:00Z', percentage: 0 }),
      ]),
      { formToken: 't' },
    ).text;
    expect(view).toContain('rolled back: itv-x-error-rate in ALARM');
    expect(view).toContain('<th scope="row">2026-12-01T10:02:00.000Z</th><td class="num">25%</td>');
  });

  test('a stepped release is drawn as the share of users each step exposes, held where it froze, with its schedule named', () => {
    // Prepare: an irreversible release in steps of 10, 20, 40, 80 and 100 % of users, frozen at 40 %. Each step is
    // a deployment to every target at once, so its deployment events report 100 % of targets.
    const steps = [10, 20, 40, 80, 100];
    const event = (deployment: number, minute: number, type: string, index: number, percentage: number) => ({
      deploymentId: `d-${deployment}`,
      at: `2026-12-07T09:0${minute}:00.000Z`,
      type,
      description: type,
      index,
      percentage,
    });
    const step = (deployment: number, minute: number): Array<[string, Record<string, unknown>]> => [
      ['release.deployment-started', event(deployment, minute, 'DEPLOYMENT_STARTED', 0, 0)],
      ['release.percentage-updated', event(deployment, minute, 'PERCENTAGE_UPDATED', 1, 100)],
      ['release.bake-time-started', event(deployment, minute, 'BAKE_TIME_STARTED', 2, 100)],
    ];
    const completed = (deployment: number, minute: number): [string, Record<string, unknown>] => [
      'release.deployment-completed',
      event(deployment, minute, 'DEPLOYMENT_COMPLETED', 3, 100),
    ];
    const rows: Array<[string, Record<string, unknown>]> = [
      [
        'release.started',
        {
          deploymentId: 'd-0',
          strategy: 'itv.Immediate3MinuteBake',
          deploymentDurationInMinutes: 0,
          finalBakeTimeInMinutes: 3,
          plan: {
            onRegression: 'freeze',
            onPolicyBreach: 'freeze',
            rollbackOnAlarm: false,
            reason: 'irreversible',
          },
          exposure: { steps, index: 0, percentage: 10 },
          startedAt: '2026-12-07T09:00:00.000Z',
        },
      ],
      ...step(0, 0),
      completed(0, 3),
      ['release.step-started', { deploymentId: 'd-1', exposure: { steps, index: 1, percentage: 20 } }],
      ...step(1, 3),
      completed(1, 6),
      ['release.step-started', { deploymentId: 'd-2', exposure: { steps, index: 2, percentage: 40 } }],
      ...step(2, 6),
      [
        'release.frozen',
        {
          deploymentId: 'd-2',
          response: 'freeze',
          cause: 'regression',
          reason: 'frozen at 40% of users',
          at: '2026-12-07T09:08:00.000Z',
          percentage: 40,
          alarm: 'itv-x-error-rate',
        },
      ],
      completed(2, 9),
      [
        'release.decision-requested',
        { deploymentId: 'd-2', exposure: { steps, index: 2, percentage: 40 }, percentage: 40 },
      ],
    ];
    const entries = rows.map(([type, payload], k) => ({
      ...entry(0, type, payload),
      seq: k,
      idempotencyKey: `k${k}`,
    }));

    // Act
    const view = intentView(
      {
        ...intent('awaiting-decision', entries),
        rolloutPercentage: 40,
        deploymentPercentage: 100,
        // The monitored metrics' span, from before the release, widens the shared time axis.
        metrics: {
          service: 'launch-flags',
          from: '2026-12-07T08:50:00.000Z',
          to: '2026-12-07T09:09:00.000Z',
          series: [],
        },
      },
      { formToken: 't' },
    ).text;

    // Assess
    const share = (minute: number) =>
      new RegExp(`<th scope="row">2026-12-07T09:0${minute}:00.000Z</th><td class="num">([\\d.]+)%</td>`).exec(
        view,
      )?.[1];
    expect([0, 3, 6, 8, 9].map(share)).toEqual(['10', '20', '40', '40', '40']);
    expect(view).toContain('In steps of 10, 20, 40, 80 and 100 % of users');
    expect(view).toContain('held at 40 % of users');
    expect(view).not.toContain('0 min to everyone');
    // No two x labels of the chart overlap: a label is 76 units wide, centred on its tick or ending at it.
    const labels = [
      ...view.matchAll(/<text x="([-\d.]+)" y="[-\d.]+" text-anchor="(middle|end)">12-07 09:\d\d<\/text>/g),
    ].map((m) =>
      m[2] === 'end' ? [Number(m[1]) - 76, Number(m[1])] : [Number(m[1]) - 38, Number(m[1]) + 38],
    );
    expect(labels.length).toBeGreaterThan(1);
    expect(labels.slice(1).every(([left], i) => left! >= labels[i]![1]!)).toBe(true);
  });

  test('the monitored metrics are drawn minute by minute against their alarm thresholds, in place of the SLO windows', () => {
    // Prepare
    const entries = [
      entry(0, 'release.deployment-started', { at: '2026-12-01T10:00:00Z', percentage: 0 }),
      entry(1, 'release.percentage-updated', { at: '2026-12-01T10:02:00Z', percentage: 50 }),
      entry(2, 'observation.recorded', {
        snapshot: {
          windowStart: '2026-12-01T10:00:00Z',
          windowEnd: '2026-12-01T10:03:00Z',
          slos: [{ name: 'availability', objective: 0.99, observed: 0.9, baseline: 0.999 }],
        },
      }),
    ];
    const points = (values: number[]) =>
      values.map((value, k) => ({ at: `2026-12-01T10:0${k}:00.000Z`, value }));
    const withMetrics: IntentWithEntries = {
      ...intent('rolled-back', entries),
      metrics: {
        service: 'launch-flags',
        from: '2026-12-01T09:50:00.000Z',
        to: '2026-12-01T10:04:00.000Z',
        series: [
          {
            metric: 'errorRate',
            alarm: 'itv-x-error-rate',
            threshold: 0.003,
            periodSeconds: 60,
            points: points([0.001, 0.001, 0.051, 0.101]),
          },
          {
            metric: 'latencyP99Ms',
            alarm: 'itv-x-latency-p99',
            threshold: 600,
            periodSeconds: 60,
            points: points([200, 201, 199, 200]),
          },
        ],
      },
    };

    // Act
    const view = intentView(withMetrics, { formToken: 't' }).text;
    const without = intentView(intent('rolled-back', entries), { formToken: 't' }).text;

    // Assess
    expect(view).toContain('Monitored error rate, per 1 min, against its alarm itv-x-error-rate');
    expect(view).toContain('alarm threshold (0.300%)');
    expect(view).toContain('<th scope="row">2026-12-01T10:03:00.000Z</th><td class="num">10.1%</td>');
    expect(view).toContain('Monitored p99 latency, per 1 min, against its alarm itv-x-latency-p99');
    expect(view).not.toContain('Monitored availability');
    expect(without).toContain('Monitored availability');
  });
});

describe('lanes', () => {
  test('the releasing intent heads its lane; a queued one shows the wait admission predicted', () => {
    const releasing = intent('releasing', [
      entry(0, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [] }, 'a'),
      entry(
        1,
        'release.started',
        { startedAt: '2026-12-01T10:01:00Z', deploymentDurationInMinutes: 10, finalBakeTimeInMinutes: 5 },
        'a',
      ),
    ]);
    const queued = intent('admission.queued', [
      entry(
        2,
        'admission.queued',
        {
          lane: 'launch-flags',
          waitingFor: ['a'],
          inFlightChecked: [{ blocks: true, predictedCompletionAt: '2026-12-01T10:32:00Z' }],
        },
        'b',
      ),
    ]);
    const lanes = lanesOf([queued, releasing]);
    const rows = lanes.get('launch-flags')!;
    expect(rows.map((r) => [r.intent.intentId, r.holding])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(rows[0]!.predictedCompletionAt).toBe('2026-12-01T10:16:00.000Z');
    expect(rows[1]!.predictedWaitSeconds).toBe(30 * 60);
    expect(rows[1]!.waitingFor).toEqual(['a']);
  });

  test('a queued change whose named blocker has ended waits behind who holds the lane now, not behind the ended one', () => {
    // Prepare: b queued behind a; a has since concluded (no longer in flight) and c holds the lane. A re-check that
    // stays queued writes nothing, so b's admission still names a.
    const queued = intent('admission.queued', [
      entry(2, 'admission.queued', { lane: 'launch-flags', waitingFor: ['a'], inFlightChecked: [] }, 'b'),
    ]);
    const holder = intent('releasing', [
      entry(3, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [] }, 'c'),
    ]);

    // Act
    const row = lanesOf([queued, holder])
      .get('launch-flags')!
      .find((r) => r.intent.intentId === 'b')!;
    const page = lanesView([queued, holder], false).text;
    // Only the newest 200 in flight listed: a may be in flight beyond them, so b's admission is taken as it is.
    const partial = lanesOf([queued, holder], { complete: false }).get('launch-flags')!;

    // Assess
    expect(row.waitingFor).toEqual([]);
    expect(row.behind).toEqual(['c']);
    expect(page).toContain('behind <a href="/intents/c">c</a>');
    expect(page).not.toContain('href="/intents/a"');
    expect(partial.find((r) => r.intent.intentId === 'b')!.waitingFor).toEqual(['a']);
  });

  test('a queued change whose blockers have all ended, with nobody on its lane, waits for its admission again', () => {
    // Prepare
    const queued = intent('admission.queued', [
      entry(2, 'admission.queued', { lane: 'launch-flags', waitingFor: ['a'], inFlightChecked: [] }, 'b'),
    ]);

    // Act
    const page = lanesView([queued], false).text;

    // Assess
    expect(page).toContain('its admission again: what it waited for has ended');
  });

  test('a change waiting for its reviewer is listed as holding no lane, not as waiting its turn on it', () => {
    // Prepare: admitted, then waiting for its reviewer with its lane given up.
    const reviewing = intent('awaiting-review', [
      entry(0, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [] }, 'r'),
      entry(1, 'review.requested', { requester: 'alice', laneReleased: 'launch-flags' }, 'r'),
    ]);
    // Act
    const rows = lanesOf([reviewing]).get('launch-flags')!;
    const page = lanesView([reviewing], false).text;
    // Assess
    expect(rows.map((r) => [r.intent.intentId, r.holding, r.gaveUpLane])).toEqual([['r', false, true]]);
    expect(page).toContain('its reviewer of record (holds no lane meanwhile)');
    expect(page).toMatch(/A change waiting for its reviewer holds no lane/);
  });

  test("a change waiting for CI's check results heads its lane as its holder; the one queued behind it waits", () => {
    // Prepare: admitted, its fail-fast gate waiting for CI; a later change to the lane queued behind it.
    const checking = intent('awaiting-checks', [
      entry(0, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [] }, 'c'),
      entry(
        1,
        'verification.awaiting-checks',
        { gate: 'fail-fast', missing: ['e2e'], deadline: '2026-12-01T12:00:00Z', waitSeconds: 7200 },
        'c',
      ),
    ]);
    const queued = intent('admission.queued', [
      entry(2, 'admission.queued', { lane: 'launch-flags', waitingFor: ['c'], inFlightChecked: [] }, 'q'),
    ]);
    // Act
    const rows = lanesOf([queued, checking]).get('launch-flags')!;
    const page = lanesView([queued, checking], false).text;
    // Assess
    expect(rows.map((r) => [r.intent.intentId, r.holding, r.gaveUpLane])).toEqual([
      ['c', true, false],
      ['q', false, false],
    ]);
    expect(page).toContain("CI's check results (holds its lane meanwhile)");
    expect(page).toMatch(/A change waiting for CI's check results holds its lane: the others wait behind it/);
  });

  test('an authorised emergency waiting for its review keeps its lane: it heads it, waiting for its reviewer', () => {
    // Prepare: an emergency admitted and waiting for its reviewer of record with its lane kept (no laneReleased);
    // a change to the same lane queued behind it.
    const emergency = intent('awaiting-review', [
      entry(0, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [] }, 'e'),
      entry(1, 'review.requested', { requester: 'alice', reviewers: ['bob'] }, 'e'),
    ]);
    const queued = intent('admission.queued', [
      entry(2, 'admission.queued', { lane: 'launch-flags', waitingFor: ['e'], inFlightChecked: [] }, 'q'),
    ]);
    // Act
    const rows = lanesOf([queued, emergency]).get('launch-flags')!;
    const page = lanesView([queued, emergency], false).text;
    // Assess
    expect(rows.map((r) => [r.intent.intentId, r.holding, r.gaveUpLane])).toEqual([
      ['e', true, false],
      ['q', false, false],
    ]);
    expect(page).toContain('its reviewer of record (holds its lane meanwhile)');
    expect(page).not.toContain('holds no lane meanwhile');
    expect(page).toMatch(/An authorised emergency waiting for its reviewer keeps its lane/);
  });

  test('an admitted change holds its lane from its admission on, before its release starts', () => {
    // Prepare: one change at each step between its admission and its release's start, the last admitted again
    // after its approval (its review wait had given its lane up).
    const admitted = [entry(0, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [] }, 'a')];
    const signed = [...admitted, entry(1, 'decision.signed', {}, 'a')];
    const verified = [...signed, entry(2, 'verification.passed', {}, 'a')];
    const readmitted = [
      ...verified,
      entry(3, 'review.requested', { requester: 'alice', laneReleased: 'launch-flags' }, 'a'),
      entry(4, 'review.approved', { decision: 'approved', reviewer: 'bob' }, 'a'),
      entry(5, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [] }, 'a'),
    ];
    const cases: Array<[string, LedgerEntry[]]> = [
      ['admission.admitted', admitted],
      ['decision.signed', signed],
      ['verification.passed', verified],
      ['admission.admitted', readmitted],
    ];
    for (const [status, entries] of cases) {
      // Act
      const rows = lanesOf([intent(status, entries)]).get('launch-flags')!;
      // Assess
      expect([status, entries.length, rows.map((r) => r.holding)]).toEqual([status, entries.length, [true]]);
    }
  });

  test('a change holds no lane while queued, scheduled, approved but not yet admitted again, or preempted', () => {
    // Prepare
    const admitted = entry(0, 'admission.admitted', { lane: 'launch-flags', inFlightChecked: [] }, 'a');
    const released = entry(1, 'review.requested', { requester: 'alice', laneReleased: 'launch-flags' }, 'a');
    const started = entry(
      1,
      'release.started',
      { startedAt: '2026-12-01T10:01:00Z', deploymentDurationInMinutes: 10, finalBakeTimeInMinutes: 5 },
      'a',
    );
    const cases: Array<[string, LedgerEntry[]]> = [
      ['admission.queued', [entry(0, 'admission.queued', { lane: 'launch-flags', waitingFor: ['z'] }, 'a')]],
      ['admission.scheduled', [entry(0, 'admission.scheduled', { lane: 'launch-flags' }, 'a')]],
      ['review.approved', [admitted, released, entry(2, 'review.approved', { decision: 'approved' }, 'a')]],
      ['preempted', [admitted, started, entry(2, 'release.preempted', { lane: 'launch-flags' }, 'a')]],
    ];
    for (const [status, entries] of cases) {
      // Act
      const rows = lanesOf([intent(status, entries)]).get('launch-flags')!;
      // Assess
      expect([status, rows.map((r) => r.holding)]).toEqual([status, [false]]);
    }
  });
});

describe('the intents view', () => {
  test('a page cut short by the walk limit says how far back it searched and links to older intents', () => {
    // Act
    const view = intentsView(
      { items: [], nextCursor: 'abc', searchedBackTo: '2026-11-01T09:00:00.000Z' },
      new URLSearchParams('service=billing'),
    ).text;
    const last = intentsView({ items: [] }, new URLSearchParams('service=billing')).text;

    // Assess
    expect(view).toContain('No intent matches among the newest entries.');
    expect(view).toMatch(
      /Searched back to 2026-11-01 09:00[^;]*; <a href="\/\?service=billing&amp;cursor=abc">search older intents<\/a>/,
    );
    expect(last).toContain('No intent matches.');
    expect(last).not.toContain('Searched back');
  });
});

describe('the change a reviewer decides', () => {
  const example = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', '12-finance-close.json'), 'utf8'),
  ) as Record<string, unknown> & { change: Record<string, unknown>; authority: Record<string, unknown> };
  const declaredAs = (content: Record<string, unknown>) =>
    entry(0, 'intent.declared', { intent: content, authority: content.authority });
  const awaiting = (content: Record<string, unknown>, over: Partial<IntentWithEntries> = {}) => ({
    ...intent('awaiting-review', [
      declaredAs(content),
      entry(1, 'review.requested', { tier: 2, requester: 'quinn', reviewers: ['carol'] }),
    ]),
    ...over,
  });

  test('an intent awaiting review shows its goal, value model, constraints, target, payload and test results before the review form', () => {
    // Act
    const view = intentView(awaiting(example), { formToken: 't' }).text;

    // Assess
    expect(view).toContain(
      '<section class="panel" aria-labelledby="change-h"><h2 id="change-h">The change</h2>',
    );
    expect(view.indexOf('id="change-h"')).toBeLessThan(view.indexOf('id="review-h"'));
    expect(view).toContain('Fewer late adjustments in the audit packet');
    expect(view).toMatch(/post-close-adjustments[^<]*target 2/);
    expect(view).toContain('risk-reduced: $240,000.00 over 1 year, 9 employees');
    expect(view).toContain('reversible; on regression freeze; checks close-checklist-dry-run');
    expect(view).toContain('ledger-close/close-checklist@1.0.0 (configuration)');
    // The payload as indented JSON, escaped.
    expect(view).toContain('<pre>{\n  &quot;reconciliationToleranceUsd&quot;: 50,');
    expect(view).toContain('close-checklist-dry-run: all cases passed in CI');
    expect(view).toContain('href="https://ci.example.com/runs/close-checklist-dry-run/1842"');
  });

  test('a payload held by reference is named by its digest and size, and said to be held by reference', () => {
    // Prepare
    const { payload: _, ...change } = example.change;
    const byReference = {
      ...example,
      change: { ...change, payloadRef: { sha256: 'ab'.repeat(32), size: 2048 } },
    };

    // Act
    const view = intentView(awaiting(byReference), { formToken: 't' }).text;

    // Assess
    expect(view).toContain(`sha256 <code>${'ab'.repeat(32)}</code>, 2048 bytes`);
    expect(view).toContain('The content is held by reference');
    expect(view).not.toContain('<pre>');
  });

  test('markup in the payload is shown as text', () => {
    const hostile = { ...example, change: { ...example.change, payload: { note: '<script>x</script>' } } };
    const view = intentView(awaiting(hostile), { formToken: 't' }).text;
    expect(view).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(view).not.toContain('<script>x');
  });

  test('Reject needs a reason in the form; Approve does not', () => {
    const view = intentView(awaiting(example), { formToken: 't' }).text;
    expect(view).toMatch(/<textarea id="review-reason" name="reason"[^>]* required>/);
    expect(view).toMatch(
      /<button type="submit" name="decision" value="approve" formnovalidate>Approve<\/button>/,
    );
  });

  test('its requester, or whom it is requested for, reads who decides it instead of a form; the Stop form stays', () => {
    // Act
    const asRequester = intentView(awaiting(example), { formToken: 't', actingPrincipal: 'quinn' }).text;
    const onBehalf = intentView(
      awaiting({ ...example, authority: { ...example.authority, requester: 'pat', onBehalfOf: 'quinn' } }),
      { formToken: 't', actingPrincipal: 'quinn' },
    ).text;
    const asReviewer = intentView(awaiting(example), { formToken: 't', actingPrincipal: 'carol' }).text;

    // Assess
    for (const view of [asRequester, onBehalf]) {
      expect(view).toContain('id="review-h"');
      expect(view).toContain(
        'You requested this change; a reviewer of record (<strong>carol</strong>) decides it.',
      );
      expect(view).not.toContain('value="approve"');
      expect(view).toContain('action="/intents/int-1/stop"');
    }
    expect(asReviewer).toContain('value="approve"');
  });

  test('one not among the reviewers of record its request named reads who decides it instead of a form', () => {
    // Act: mallory is neither its requester nor carol, the reviewer of record the request named.
    const view = intentView(awaiting(example), { formToken: 't', actingPrincipal: 'mallory' }).text;

    // Assess
    expect(view).toContain(
      'You, mallory, are not among the reviewers of record its request named: <strong>carol</strong> decides it.',
    );
    expect(view).not.toContain('value="approve"');
    expect(view).toContain('action="/intents/int-1/stop"');
  });

  test('Stop and Retry are offered only to whom the API lets act: others read who may instead', () => {
    // Prepare: quinn requested it, paul owns ledger-close, heidi is a release steward; xavier is none of them.
    const catalog = loadCatalog();
    const rolledBack = () =>
      intent(
        'rolled-back',
        [declaredAs(example), entry(5, 'intent.concluded', { outcome: 'rolled-back' })],
        'rolled-back',
      );
    const stoppedBy = (by: string, as: string) =>
      intent(
        'stopped',
        [
          declaredAs(example),
          entry(3, 'intent.stopped', {
            by,
            as,
            authenticatedAs: { method: 'local', via: 'itv stop --as' },
            reason: 'wrong day',
            requestedAt: '2026-12-01T10:03:00Z',
            action: 'withdrawn',
            stage: 'AwaitReview',
          }),
          entry(5, 'intent.concluded', { outcome: 'stopped' }),
        ],
        'stopped',
      );
    const as = (actingPrincipal: string) => ({ formToken: 't', actingPrincipal, catalog });

    // Act
    const stopAsReviewer = intentView(awaiting(example), as('xavier')).text;
    const stopAsSteward = intentView(awaiting(example), as('heidi')).text;
    const retryAsReviewer = intentView(rolledBack(), as('xavier')).text;
    const retryAsRequester = intentView(rolledBack(), as('quinn')).text;
    const retryAfterOwnersStop = intentView(stoppedBy('paul', 'owner'), as('quinn')).text;
    const ownerRetries = intentView(stoppedBy('paul', 'owner'), as('paul')).text;
    const retryAfterOwnStop = intentView(stoppedBy('quinn', 'requester'), as('quinn')).text;

    // Assess
    expect(stopAsReviewer).not.toContain('action="/intents/int-1/stop"');
    expect(stopAsReviewer).toContain(
      'Only its requester quinn or an owner of ledger-close (paul) or a release steward (heidi) may stop it; you, xavier, may not.',
    );
    expect(stopAsSteward).toContain('action="/intents/int-1/stop"');
    expect(retryAsReviewer).not.toContain('action="/intents/int-1/retry"');
    expect(retryAsReviewer).toContain(
      'Only its requester quinn or an owner of ledger-close (paul) or a release steward (heidi) may retry it; you, xavier, may not.',
    );
    expect(retryAsRequester).toContain('action="/intents/int-1/retry"');
    expect(retryAfterOwnersStop).not.toContain('action="/intents/int-1/retry"');
    expect(retryAfterOwnersStop).toContain(
      'It was stopped by paul (an owner of ledger-close): only an owner of ledger-close (paul) or a release steward (heidi) may retry it; you, quinn, may not.',
    );
    expect(ownerRetries).toContain('action="/intents/int-1/retry"');
    expect(retryAfterOwnStop).toContain('action="/intents/int-1/retry"');
  });

  test('an intent in flight shows the value per hour its value model declares, labelled declared, to the cent', () => {
    // Prepare: $240,000 over a year is $27.40 an hour, $3.04 for each of its 9 employees.
    const view = intentView(awaiting(example), { formToken: 't' }).text;
    const released = intentView(
      {
        ...intent('released', [declaredAs(example)], 'released'),
        valuePerHourUsd: 4,
        valuePerHourPerEmployeeUsd: 1234.5,
      },
      { formToken: 't' },
    ).text;

    // Assess
    expect(view).toContain(
      '<div class="label">Value per hour, declared</div><div class="value ">$27.40</div>',
    );
    expect(view).toContain('<div class="value ">$3.04</div>');
    expect(released).toContain('<div class="label">Value per hour</div><div class="value ">$4.00</div>');
    expect(released).toContain('$1,234.50');
  });
});
