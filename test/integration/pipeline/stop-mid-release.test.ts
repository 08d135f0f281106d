import { readFileSync } from 'node:fs';
import {
  DiscreteEventScheduler,
  type Scheduler,
  WallClockScheduler,
} from '../../../cli/runtime/event-scheduler.js';
import { ExecutionJournal } from '../../../cli/runtime/execution-journal.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { stackForEachTest } from '../../support/stack-for-each-test.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
);

/** `scheduler`, reporting each sleep as it begins: the test knows a wait is under way without timing it. */
function watched(scheduler: Scheduler, onSleep: (ms: number) => void): Scheduler {
  return {
    join: () => scheduler.join(),
    sleep: (ms, cancel) => {
      onSleep(ms);
      return scheduler.sleep(ms, cancel);
    },
    waitOutside: (until) => scheduler.waitOutside(until),
    deadline: (at, fire) => scheduler.deadline(at, fire),
  };
}

/**
 * A control plane that stops while a release waits between its polls on the wall clock does not wait out the
 * rollout: the wait is abandoned, the execution stays journaled at the poll it was waiting for, and the next
 * start carries the release on to its end, with every entry written once.
 */
describe('stopping the runtime mid-release (wall clock)', () => {
  const local = stackForEachTest('itv-stop-mid-release-', [intent]);

  test('the wait between polls ends at once; a resumption releases with no entry twice', async () => {
    // Prepare: the release's first wait between polls signals when it begins.
    let waiting: () => void = () => {};
    const inWait = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const journal = new ExecutionJournal(local.stack.deps.state);
    const scheduler = watched(new WallClockScheduler(local.stack.clock), (ms) => {
      if (ms >= 10_000) waiting();
    });
    const pipeline = new LocalPipeline(pipelineDefinition(), local.stack.deps, { scheduler, journal });
    const caller = namedLocally(intent.authority.requester, 'test');
    const running = pipeline.start({
      intent: { ...intent, timestamp: local.stack.clock.now().toISOString() },
      caller,
    });
    await inWait;

    // Act
    pipeline.suspendParks();
    const report = await running;

    // Assess: left for the next start, journaled at the poll.
    expect(report.status).toBe('parked');
    const intentId = report.intentId!;
    expect(pipeline.leftForNextStart).toEqual([intentId]);
    const types = async () =>
      (await local.stack.deps.ledger.forIntent(local.stack.deps.ledgerName, intentId)).map(
        (e) => e.entry.type,
      );
    expect(await types()).toContain('release.started');
    expect(await types()).not.toContain('intent.concluded');
    expect((await journal.list()).map((entry) => [entry.intentId, entry.state])).toEqual([
      [intentId, 'CheckRelease'],
    ]);

    // Act: the next start, on the virtual clock so the rollout takes no wall time.
    const next = new LocalPipeline(pipelineDefinition(), local.stack.deps, {
      scheduler: new DiscreteEventScheduler(local.stack.clock),
      journal,
    });
    const [resumed] = await next.recover();
    const ended = await resumed!.execution;

    // Assess
    expect(ended.status).toBe('succeeded');
    const after = await types();
    expect(after.filter((type) => type === 'release.started')).toHaveLength(1);
    expect(after.filter((type) => type === 'intent.concluded')).toHaveLength(1);
    expect(after.at(-1)).toBe('checkpoint.signed');
    expect(await journal.list()).toEqual([]);
  });
});
