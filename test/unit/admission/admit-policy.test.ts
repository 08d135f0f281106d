import type { InterferenceCheck } from '../../../lambdas/core/admission/non-interference.js';
import { evidenceFiles } from '../../../lambdas/core/evidence/evidence-files.js';
import { inlineIntent, intentSchema } from '../../../lambdas/core/intent.js';
import { dryRunIntent } from '../../../lambdas/core/pipeline/dry-run.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { admit, changes, declared, lastAdmissionEntry } from './harness.js';

const inFlightIds = async (h: ReturnType<typeof pipelineHarness>) =>
  (await h.store.list<{ status?: string }>(stateKeys.inFlight().pk)).map((i) => `${i.sk}:${i.data.status}`);

describe('AdmitPolicy: non-interference through the state store', () => {
  test('an overlapping intent queues behind the in-flight one and is admitted on its own once the lane frees', async () => {
    // Prepare: a launch-flags change holds its lease; incident-router is in its blast radius.
    const h = pipelineHarness();
    const flags = await admit(h, await declared(h));
    const router = await declared(h, changes.incidentRouter);
    const flagsId = flags.declared!.intentId;

    // Act
    const queued = await admit(h, router);
    const queuedEntry = await lastAdmissionEntry(h, queued);
    h.clock.advance(queued.admission!.retryAfterSeconds * 1000);
    await learn(flags, h.deps);
    const readmitted = await admit(h, queued);

    // Assess
    expect(flags.admission?.verdict).toBe('admitted');
    expect(queued.admission).toMatchObject({ verdict: 'queued', waitingFor: [flagsId], attempt: 0 });
    expect(queuedEntry.inFlightChecked).toEqual([
      expect.objectContaining({
        intentId: flagsId,
        relation: 'in-flight',
        overlaps: true,
        overlap: { lane: false, services: ['incident-router', 'support-escalation'] },
        predictedTimeToValueChangeSeconds: 0,
      }),
    ]);
    expect(queuedEntry.nonInterference).toMatchObject({
      blockers: [expect.objectContaining({ intentId: flagsId })],
      predictedStrategy: 'itv.Linear25Percent8Minutes',
    });
    expect(readmitted.admission).toMatchObject({ verdict: 'admitted', attempt: 1 });
    expect(await inFlightIds(h)).toEqual([`${router.declared!.intentId}:admitted`]);
  });

  test('a disjoint intent is admitted beside the in-flight one, and its record lists what it was checked against', async () => {
    // Prepare
    const h = pipelineHarness();
    const router = await admit(h, await declared(h, changes.incidentRouter));

    // Act
    const procurement = await admit(h, await declared(h, changes.procurement));
    const entry = await lastAdmissionEntry(h, procurement);

    // Assess
    expect(procurement.admission?.verdict).toBe('admitted');
    expect(entry.inFlightChecked).toEqual([
      expect.objectContaining({
        intentId: router.declared!.intentId,
        overlaps: false,
        predictedTimeToValueChangeSeconds: 0,
      }),
    ]);
  });

  test('a later arrival that overlaps a queued intent does not overtake it when the lane frees', async () => {
    // Prepare: flags in flight; router queued behind it; flags concludes.
    const h = pipelineHarness();
    const flags = await admit(h, await declared(h));
    const router = await admit(h, await declared(h, changes.incidentRouter));
    await learn(flags, h.deps);

    // Act: onboarding (shares support-escalation with router) arrives before router re-checks.
    const onboarding = await admit(h, await declared(h, changes.customerOnboarding));
    const routerAgain = await admit(h, router);

    // Assess
    expect(onboarding.admission).toMatchObject({
      verdict: 'queued',
      waitingFor: [router.declared!.intentId],
    });
    const entry = await lastAdmissionEntry(h, onboarding);
    expect(entry.inFlightChecked).toEqual([
      expect.objectContaining({
        intentId: router.declared!.intentId,
        relation: 'queued-ahead',
        blocks: true,
      }),
    ]);
    expect(routerAgain.admission?.verdict).toBe('admitted');
  });

  test('an intent whose deadline the queue cannot meet is rejected with that reason, and leaves no place behind', async () => {
    // Prepare
    const h = pipelineHarness();
    await admit(h, await declared(h));
    const deadline = new Date(h.clock.now().getTime() + 15 * 60_000).toISOString();
    const hurried = await declared(h, changes.incidentRouter, (d) => {
      d.constraints = { deadline };
    });

    // Act
    const rejected = await admit(h, hurried);

    // Assess
    expect(rejected.admission?.verdict).toBe('rejected');
    expect(rejected.admission?.failed).toEqual([
      expect.objectContaining({
        rule: 'non-interference-deadline',
        reason: expect.stringMatching(/^the release queue cannot meet the deadline .* it waits for int-/),
        remedy: expect.stringMatching(/^Set a deadline at or after /),
      }),
    ]);
    expect((await inFlightIds(h)).length).toBe(1);
  });

  test("the owning team's manager's override jumps the queue and is recorded with its cost to the intent it delays", async () => {
    // Prepare: router waits behind flags; an onboarding fix under override shares support-escalation with router.
    const h = pipelineHarness();
    const flags = await admit(h, await declared(h));
    const router = await admit(h, await declared(h, changes.incidentRouter));
    h.clock.advance(5 * 60_000);
    const emergency = await declared(h, changes.customerOnboarding, (d) => {
      d.authority = {
        requester: 'alice',
        team: 'growth',
        role: 'engineering-manager',
        emergencyOverride: true,
      };
    });

    // Act
    const overridden = await admit(h, emergency);
    const entry = await lastAdmissionEntry(h, overridden);

    // Assess
    expect(overridden.admission?.failed).toEqual([]);
    expect(overridden.admission?.verdict).toBe('admitted');
    const checked = entry.inFlightChecked as InterferenceCheck[];
    const byId = Object.fromEntries(checked.map((c) => [c.intentId, c]));
    expect(byId[flags.declared!.intentId]).toMatchObject({
      relation: 'in-flight',
      predictedTimeToValueChangeSeconds: 0,
    });
    // Router would have started when flags ends (8 minutes from now); it now waits for the override's 13.
    expect(byId[router.declared!.intentId]).toMatchObject({
      relation: 'queued-ahead',
      predictedTimeToValueChangeSeconds: 300,
    });
    expect(byId[router.declared!.intentId]?.costOfDelayUsd).toBeGreaterThan(0);
    expect(entry.nonInterference).toMatchObject({
      override: true,
      overrideCost: expect.objectContaining({
        delayedIntents: 1,
        sharedBlastRadiusWith: [flags.declared!.intentId],
      }),
    });
  });

  test('an override claimed without the authority is rejected, naming who holds it', async () => {
    // Prepare
    const h = pipelineHarness();
    await admit(h, await declared(h));
    const claimed = await declared(h, changes.customerOnboarding, (d) => {
      d.authority.emergencyOverride = true;
    });

    // Act
    const rejected = await admit(h, claimed);

    // Assess
    expect(rejected.admission?.verdict).toBe('rejected');
    expect(rejected.admission?.failed.map((f) => f.rule)).toEqual(['authority-emergency-override']);
    expect(rejected.admission?.failed[0]?.remedy).toContain('alice');
  });

  test('a scheduled intent parks for the seconds to its due instant; woken early without a stop it parks again, recording nothing', async () => {
    // Prepare: asked for an hour and a half from now.
    const h = pipelineHarness();
    const notBefore = new Date(h.clock.now().getTime() + 90 * 60_000 + 400);
    const state = await declared(h, (d) => {
      d.constraints = { ...d.constraints, notBefore: notBefore.toISOString() };
    });

    // Act
    const scheduled = await admit(h, state);
    h.clock.advance(30 * 60_000);
    const wokenEarly = await admit(h, scheduled);
    h.clock.advance(60 * 60_000 + 1000);
    const due = await admit(h, wokenEarly);

    // Assess: the park's timeout is the whole seconds to the due instant (rounded up to a second), then the rest.
    expect(scheduled.admission).toMatchObject({ verdict: 'scheduled', retryAfterSeconds: 90 * 60 + 1 });
    expect(wokenEarly.admission).toMatchObject({ verdict: 'scheduled', retryAfterSeconds: 60 * 60 + 1 });
    expect(due.admission?.verdict).toBe('admitted');
    const entries = await h.ledger.forIntent('test', state.declared!.intentId);
    expect(entries.map((s) => s.entry.type).filter((t) => t.startsWith('admission.'))).toEqual([
      'admission.scheduled',
      'admission.admitted',
    ]);
  });

  test('a retried attempt returns what was recorded and holds one lease', async () => {
    // Prepare
    const h = pipelineHarness();
    const state = await declared(h);

    // Act
    const first = await admitAgain(h, state);
    h.clock.advance(60_000);
    const retried = await admitAgain(h, state);

    // Assess
    expect(retried).toEqual(first);
    expect(await inFlightIds(h)).toEqual([`${state.declared!.intentId}:admitted`]);
  });

  test('of many overlapping intents admitted at once, exactly one is admitted and the rest queue in ticket order', async () => {
    // Prepare: twelve changes to launch-flags (one lane), declared one after another.
    const h = pipelineHarness();
    const states = [];
    for (let i = 0; i < 12; i++) {
      states.push(
        await declared(h, (d) => {
          d.title = `Flag change ${i}`;
          d.change.payload = { 'dark-mode': { enabled: i % 2 === 0 } };
        }),
      );
    }

    // Act
    const admitted = await Promise.all(states.map((s) => admit(h, s)));

    // Assess
    const verdicts = admitted.map((s) => s.admission!.verdict);
    expect(verdicts.filter((v) => v === 'admitted')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'queued')).toHaveLength(11);
    const records = await h.store.list<{ arrival: number }>(stateKeys.inFlight().pk);
    const tickets = records.map((r) => r.data.arrival).sort((a, b) => a - b);
    expect(new Set(tickets).size).toBe(12);
  });
});

async function admitAgain(h: ReturnType<typeof pipelineHarness>, state: Parameters<typeof admit>[1]) {
  return (await admit(h, state)).admission;
}

describe('AdmitPolicy: a release that would run into a freeze', () => {
  const beforeYearEnd = new Date('2026-12-20T23:55:00Z');

  test('the evaluation log records the freeze as the refusal over the run, as the verdict does, in the ledger, the evidence and a dry run', async () => {
    // Prepare
    const h = pipelineHarness(beforeYearEnd);
    const state = await declared(h);
    const intent = inlineIntent(intentSchema.parse(state.intent));

    // Act
    const dry = await dryRunIntent(intent, 'dry', h.deps);
    const rejected = await admit(h, state);
    const entry = await lastAdmissionEntry(h, rejected);
    const evidence = evidenceFiles(await h.ledger.forIntent('test', rejected.declared!.intentId));
    const policyEvaluation = JSON.parse(
      Buffer.from(evidence.find((f) => f.name === 'policy-evaluation.json')!.body).toString('utf8'),
    ) as Array<Record<string, unknown>>;

    // Assess
    expect(rejected.admission?.verdict).toBe('rejected');
    expect(rejected.admission?.failed.map((f) => f.rule)).toEqual(['operational-freeze-window']);
    const logged = (entry.evaluationLog as Array<Record<string, unknown>>).filter(
      (r) => r.rule === 'operational-freeze-window',
    );
    expect(logged).toEqual([
      expect.objectContaining({
        status: 'non-compliant',
        reason: expect.stringContaining('would still be running at 2026-12-21T00:00:00.000Z'),
        context: expect.objectContaining({
          window: 'year-end-2026',
          releaseSpan: expect.objectContaining({ phase: 'in-flight', at: '2026-12-21T00:00:00.000Z' }),
        }),
      }),
    ]);
    expect(policyEvaluation.at(-1)?.evaluationLog).toEqual(entry.evaluationLog);
    expect(dry.policy?.failed.map((f) => f.rule)).toEqual(['operational-freeze-window']);
    expect(dry.policy?.rules).toContainEqual({ rule: 'operational-freeze-window', status: 'non-compliant' });
  });
});
