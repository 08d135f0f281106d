import { lapsesAt, queueRetry } from '../../../lambdas/core/admission/non-interference.js';
import { toOccupant } from '../../../lambdas/core/admission/occupant.js';
import { parkForLane } from '../../../lambdas/core/pipeline/lane-wait.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { recordFailure } from '../../../lambdas/core/pipeline/record-failure.js';
import type { InFlightRecord } from '../../../lambdas/core/state-keys.js';
import { pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { recordingWake } from '../pipeline/helpers/recording-wake.js';
import { admit, changes, declared } from './harness.js';

/**
 * Execution history a queued intent adds per re-check on Step Functions: AwaitLane (entered, scheduled, started,
 * succeeded or timed out, exited), AdmitPolicy (entered, scheduled, started, succeeded, exited) and
 * AdmissionOutcome (entered, exited).
 */
const eventsPerRecheck = 12;
const sevenDays = 7 * 24 * 3600 * 1000;
/** Step Functions' longest execution, and its history limit. */
const oneYear = 365 * 24 * 3600 * 1000;
const historyLimit = 25_000;

describe('an intent queued for a week behind a holder', () => {
  test('parks, re-checks only when its park times out, and is woken by the Learn of the intent it waits for', async () => {
    // Prepare: a launch-flags change holds the lane the whole week;
    // incident-router is in its blast radius.
    const h = pipelineHarness();
    const wake = recordingWake();
    const deps = { ...h.deps, laneWake: wake };
    const holder = await admit(h, await declared(h));
    let queued = await admit(h, await declared(h, changes.incidentRouter));
    const queuedId = queued.declared!.intentId;
    const start = h.clock.now().getTime();

    // Act: park as AwaitLane does, and re-check each time the park times out, for seven days.
    let rechecks = 0;
    let parks = 0;
    while (h.clock.now().getTime() - start < sevenDays) {
      expect(queued.admission?.verdict).toBe('queued');
      const parked = await parkForLane(queuedId, `token-${parks++}`, queued.admission!, deps);
      expect(parked.clear).toBe(false);
      h.clock.advance(queued.admission!.retryAfterSeconds * 1000);
      queued = await admit(h, queued);
      rechecks++;
    }
    const whileWaiting = await h.deps.ledger.forIntent(h.deps.ledgerName, queuedId);
    await parkForLane(queuedId, 'token-last', queued.admission!, deps);
    await learn(holder, deps);
    queued = await admit(h, queued);
    const afterAdmission = await h.deps.ledger.forIntent(h.deps.ledgerName, queuedId);

    // Assess
    const admissions = (entries: typeof whileWaiting) =>
      entries.map((s) => s.entry.type).filter((type) => type.startsWith('admission.'));
    expect(admissions(whileWaiting)).toEqual(['admission.queued']);
    expect(queued.admission?.verdict).toBe('admitted');
    expect(admissions(afterAdmission)).toEqual(['admission.queued', 'admission.admitted']);
    // Learn woke the park that was waiting, and only it: the earlier parks had timed out.
    expect(wake.woken).toEqual(['token-last']);
    expect(await h.deps.state.list(`LANEWAIT#${holder.declared!.intentId}`)).toEqual([]);
    // One re-check per park: 28 in a week, and within the history limit over Step Functions' longest execution.
    expect(queued.admission?.retryAfterSeconds).toBe(15);
    expect(rechecks).toBe(Math.ceil(sevenDays / 1000 / queueRetry.parkSeconds));
    expect((oneYear / 1000 / queueRetry.parkSeconds) * eventsPerRecheck).toBeLessThan(historyLimit);
    console.log(
      `7-day wait: ${rechecks} re-checks, about ${rechecks * eventsPerRecheck} execution events, ${admissions(afterAdmission).length} admission entries`,
    );
  });

  test('behind a holder that crashed, the last park ends when its lease lapses and the intent is admitted then', async () => {
    // Prepare: the holder is admitted and its execution dies: nothing will wake the queue or free the lane.
    const h = pipelineHarness();
    const holder = await admit(h, await declared(h));
    let queued = await admit(h, await declared(h, changes.incidentRouter));
    const queuedId = queued.declared!.intentId;
    const place = (await h.deps.state.list<InFlightRecord>('INFLIGHT')).find(
      (item) => item.sk === holder.declared!.intentId,
    )!.data;
    const lapse = lapsesAt(toOccupant(place));

    // Act: each park ends by its own timeout, as Step Functions ends it, until admission lets the intent in.
    let rechecks = 0;
    while (queued.admission?.verdict === 'queued') {
      h.clock.advance(queued.admission.retryAfterSeconds * 1000);
      queued = await admit(h, queued);
      rechecks++;
    }

    // Assess: admitted within a second of the lapse, once; a re-check per six hours before it, none after.
    const admittedAt = h.clock.now().getTime();
    expect(queued.admission?.verdict).toBe('admitted');
    expect(admittedAt).toBeGreaterThan(lapse);
    expect(admittedAt - lapse).toBeLessThanOrEqual(1000);
    expect(rechecks).toBe(Math.ceil((lapse - Date.parse(place.admittedAt!)) / 1000 / queueRetry.parkSeconds));
    const types = (await h.deps.ledger.forIntent(h.deps.ledgerName, queuedId)).map((s) => s.entry.type);
    expect(types.filter((type) => type.startsWith('admission.'))).toEqual([
      'admission.queued',
      'admission.admitted',
    ]);
    console.log(
      `orphaned lease: ${rechecks} re-checks until it lapsed, admitted ${admittedAt - lapse} ms after, about ${rechecks * eventsPerRecheck} execution events`,
    );
  });

  test('a park whose blocker already left wakes itself; RecordFailure of a blocker wakes its waiters too', async () => {
    // Prepare
    const h = pipelineHarness();
    const wake = recordingWake();
    const deps = { ...h.deps, laneWake: wake };
    const holder = await admit(h, await declared(h));
    const queued = await admit(h, await declared(h, changes.incidentRouter));
    const queuedId = queued.declared!.intentId;

    // Act
    const parked = await parkForLane(queuedId, 'token-a', queued.admission!, deps);
    await recordFailure({ ...holder, error: { Error: 'Error', Cause: 'lost' } }, deps);
    const late = await parkForLane(queuedId, 'token-b', queued.admission!, deps);

    // Assess
    expect(parked.clear).toBe(false);
    expect(late.clear).toBe(true);
    expect(wake.woken).toEqual(['token-a', 'token-b']);
  });
});
