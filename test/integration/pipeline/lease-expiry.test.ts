import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { type ExecutionReport, LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { leaseGraceSeconds } from '../../../lambdas/core/admission/non-interference.js';
import { laneOf } from '../../../lambdas/core/lane.js';
import { type InFlightRecord, stateKeys } from '../../../lambdas/core/state-keys.js';
import { type LocalStack, openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
);

/**
 * A lane lease whose holder is gone (its execution crashed and nothing freed its place) lapses at its expiry, and
 * the intent parked behind it is woken then — not at the end of its six-hour park — on the real ASL: one
 * `admission.queued` entry when it queues, one `admission.admitted` once the lease has lapsed, nothing between.
 */
describe('a lane lease that expires wakes the intent parked behind it (local runtime)', () => {
  let home: string;
  let stack: LocalStack;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-lease-expiry-'));
    // Wednesday 09:00 in Los Angeles, launch-flags' time zone: business hours for the hours that follow.
    stack = await openLocalStack({ home, inMemory: true, clockStart: new Date('2026-11-04T17:00:00Z') });
  });
  afterEach(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('queued behind an orphaned lease, admitted as soon as time passes its expiry', async () => {
    // Prepare: an orphaned lease on launch-flags' lane that expires in 40 minutes, well inside a six-hour park.
    const now = stack.clock.now().getTime();
    const expiresAt = now + 40 * 60_000;
    const predictedDurationSeconds = 600;
    const admittedAt = new Date(expiresAt - (predictedDurationSeconds + leaseGraceSeconds) * 1000);
    const lane = laneOf(stack.deps.catalog.services['launch-flags']!);
    const orphan: InFlightRecord = {
      intentId: 'int-orphaned-holder',
      lane,
      blastRadius: ['launch-flags'],
      status: 'admitted',
      admittedAt: admittedAt.toISOString(),
      arrival: 0,
      arrivedAt: admittedAt.toISOString(),
      lastSeenAt: admittedAt.toISOString(),
      predictedDurationSeconds,
      strategy: 'itv.Canary10Percent20Minutes',
      valuePerHourUsd: 1,
    };
    const place = stateKeys.inFlightIntent(orphan.intentId);
    await stack.deps.state.put(place.pk, place.sk, orphan);
    const scheduler = new DiscreteEventScheduler(stack.clock);
    const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, { scheduler });
    let report: ExecutionReport | undefined;
    const execution = pipeline
      .start({ intent: { ...intent, id: 'behind-orphan' }, caller: namedLocally('alice', 'test') })
      .then((r) => {
        report = r;
      });
    const types = async () =>
      (await stack.deps.ledger.forIntent(stack.deps.ledgerName, 'behind-orphan')).map((s) => s.entry.type);
    const until = async (condition: () => Promise<boolean>) => {
      for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await until(async () => (await types()).includes('admission.queued'));

    // Act: time passes a minute beyond the expiry, as another execution's wait moves the shared clock.
    const leave = scheduler.join();
    await scheduler.sleep(expiresAt + 60_000 - stack.clock.now().getTime());
    leave();
    await until(async () => report !== undefined);

    // Assess
    const entries = await stack.deps.ledger.forIntent(stack.deps.ledgerName, 'behind-orphan');
    const admissions = entries.filter((s) => s.entry.type.startsWith('admission.'));
    expect(admissions.map((s) => s.entry.type)).toEqual(['admission.queued', 'admission.admitted']);
    // The park's own timeout is the lease's expiry, not the six-hour park.
    expect(admissions[0]?.entry.payload).toMatchObject({ retryAfterSeconds: 40 * 60 + 1 });
    const admittedAt2 = Date.parse(admissions[1]!.entry.timestamp);
    expect(admittedAt2).toBeGreaterThan(expiresAt);
    expect(admittedAt2).toBeLessThanOrEqual(expiresAt + 60_000);
    expect(admissions[1]?.entry.payload).toMatchObject({
      nonInterference: { abandoned: ['int-orphaned-holder'] },
    });
    expect(report?.status).toBe('succeeded');
    expect((await types()).at(-2)).toBe('intent.concluded');
    await execution;
  });
});
