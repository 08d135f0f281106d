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
    expect(log.since('a', 0).map((e) => e.state)).toEqual(['DeclareIntent', 'Done']);
    expect(log.sweep(running, 31_000)).toBe(1);
    expect(log.since('a', 0)).toEqual([]);
    expect(log.size).toBe(0);
  });

  test('never drops an intent still running, however long since its last stage', () => {
    const log = new ProgressLog(1000, 500, 30_000);
    log.record(event('baking', 'WaitForRelease'), 0);
    expect(log.sweep((id) => id === 'baking', 3_600_000)).toBe(0);
    expect(log.since('baking', 0)).toHaveLength(1);
  });

  test('holds at most its number of intents, the oldest dropped first, and its number of events each', () => {
    const log = new ProgressLog(2, 3);
    for (const id of ['a', 'b', 'c']) log.record(event(id, 'DeclareIntent'));
    for (let i = 0; i < 5; i++) log.record(event('c', `S${i}`));
    expect(log.size).toBe(2);
    expect(log.since('a', 0)).toEqual([]);
    expect(log.since('c', 0)).toHaveLength(3);
  });
});
