import { ProgressLog } from '../../../cli/control-plane/progress-log.js';
import type { ProgressEvent } from '../../../cli/runtime/local-pipeline.js';

const event = (intentId: string, state: string): ProgressEvent => ({
  executionId: `run-${intentId}`,
  intentId,
  state,
  phase: 'entered',
});

describe("the control plane's progress log", () => {
  test('keeps an intent that stopped running for the retention, then drops it', () => {
    const log = new ProgressLog(1000, 500, 30_000);
    log.record(event('a', 'DeclareIntent'), 0);
    log.record(event('a', 'Done'), 1_000);
    const running = () => false;

    expect(log.sweep(running, 30_999)).toBe(0);
    expect(log.since('a', 0).events.map((e) => e.state)).toEqual(['DeclareIntent', 'Done']);
    expect(log.sweep(running, 31_000)).toBe(1);
    expect(log.since('a', 0).events).toEqual([]);
    expect(log.size).toBe(0);
  });

  test('never drops an intent still running, however long since its last stage', () => {
    const log = new ProgressLog(1000, 500, 30_000);
    log.record(event('baking', 'WaitForRelease'), 0);
    expect(log.sweep((id) => id === 'baking', 3_600_000)).toBe(0);
    expect(log.since('baking', 0).events).toHaveLength(1);
  });

  test('holds at most its number of intents, the oldest dropped first, and its number of events each', () => {
    const log = new ProgressLog(2, 3);
    for (const id of ['a', 'b', 'c']) log.record(event(id, 'DeclareIntent'));
    for (let i = 0; i < 5; i++) log.record(event('c', `S${i}`));
    expect(log.size).toBe(2);
    expect(log.since('a', 0).events).toEqual([]);
    expect(log.since('c', 0).events).toHaveLength(3);
  });

  test('a follower that keeps up reads every event, however many more than it holds the intent reports', () => {
    // Prepare: room for 3 events; a follower reading after each one, as `itv submit` polls.
    const log = new ProgressLog(1000, 3);
    const seen: string[] = [];
    let after = 0;
    // Act: a long run (a queued intent re-checked at every conclusion elsewhere, a release polled for an hour).
    for (let i = 0; i < 8; i++) {
      log.record(event('long', `S${i}`));
      const read = log.since('long', after);
      seen.push(...read.events.map((e) => e.state));
      after += read.skipped + read.events.length;
    }
    // Assess
    expect(seen).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']);
  });

  test('past its bound it keeps the newest events, and says how many before them a late reader missed', () => {
    // Prepare: 8 events of one intent in a log that holds 3 each.
    const log = new ProgressLog(1000, 3);
    for (let i = 0; i < 8; i++) log.record(event('long', `S${i}`));
    // Act
    const fromStart = log.since('long', 0);
    const fromThird = log.since('long', 3);
    const fromSixth = log.since('long', 6);
    // Assess: events keep their numbers; what is left out is counted, never passed over in silence.
    expect([fromStart.skipped, fromStart.events.map((e) => e.state)]).toEqual([5, ['S5', 'S6', 'S7']]);
    expect([fromThird.skipped, fromThird.events.map((e) => e.state)]).toEqual([2, ['S5', 'S6', 'S7']]);
    expect([fromSixth.skipped, fromSixth.events.map((e) => e.state)]).toEqual([0, ['S6', 'S7']]);
    expect(log.since('long', 8)).toEqual({ events: [], skipped: 0 });
  });
});
