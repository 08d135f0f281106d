import { readFileSync } from 'node:fs';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { stackForEachTest } from '../../support/stack-for-each-test.js';

/** examples/05: a change whose injected fault the error-rate alarm rolls back. */
const regression = JSON.parse(
  readFileSync(new URL('../../../examples/05-slo-regression.json', import.meta.url), 'utf8'),
);
/** The same service and lane, no fault: a clean change submitted right after the rollback. */
const { simulation: _fault, ...clean } = {
  ...regression,
  title: 'Verify new customers in batches of 150',
  change: { ...regression.change, payload: { ...regression.change.payload, verificationBatchSize: 150 } },
};

/**
 * The alarm a rolled-back release leaves in ALARM, through the real ASL on the local runtime: the next change on
 * the lane waits for it to return to OK (StartRelease retried on MonitorsInAlarmError), then releases on its own
 * merits instead of being rolled back by its predecessor's alarm.
 */
describe('a change submitted while its lane still alarms for the release before it (local runtime)', () => {
  const local = stackForEachTest('itv-leftover-alarm-', [regression, clean]);

  async function run(intent: Record<string, unknown>) {
    const states: string[] = [];
    const pipeline = new LocalPipeline(pipelineDefinition(), local.stack.deps, {
      scheduler: new DiscreteEventScheduler(local.stack.clock),
      onProgress: (event) => {
        if (event.phase === 'entered') states.push(event.state);
      },
    });
    const report = await pipeline.start({
      intent: { ...intent, timestamp: local.stack.clock.now().toISOString() },
      caller: namedLocally('bob', 'test'),
    });
    return { report, states };
  }

  test('waits for the alarm to clear, then releases clean', async () => {
    // Prepare
    const first = await run(regression);
    expect(first.report.output?.learning?.outcome).toBe('rolled-back');
    // Act
    const { report, states } = await run(clean);
    // Assess
    expect(report.status).toBe('succeeded');
    expect(states.filter((state) => state === 'StartRelease').length).toBeGreaterThan(1);
    const entries = await local.stack.deps.ledger.forIntent(local.stack.deps.ledgerName, report.intentId!);
    const concluded = entries.find((e) => e.entry.type === 'intent.concluded');
    expect(concluded?.entry.payload).toMatchObject({
      outcome: 'released',
      releaseVerdict: 'clean',
      alarm: null,
    });
    expect(entries.map((e) => e.entry.type)).not.toContain('release.rollback-started');
  });
});
