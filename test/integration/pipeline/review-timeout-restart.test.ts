import { readFileSync } from 'node:fs';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { ExecutionJournal } from '../../../cli/runtime/execution-journal.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { reviewTimeoutSeconds } from '../../../lambdas/core/pipeline/review.js';
import { stackForEachTest } from '../../support/stack-for-each-test.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);

/**
 * A review wait parked by a control plane that then stopped: nothing ran while its week went by. The next start
 * finds the wait recorded, past its deadline, and ends it as the Task's timeout would have; one still within its
 * week keeps waiting.
 */
describe('a review wait that expired while no control plane ran', () => {
  const local = stackForEachTest('itv-review-timeout-restart-', [intent]);

  test('the next start fails it with States.Timeout; a wait still in its week is left parked', async () => {
    // Prepare: two changes park for their reviewer; the process stops.
    const { deps } = local.stack;
    const journal = new ExecutionJournal(deps.state);
    const pipelineOf = () =>
      new LocalPipeline(pipelineDefinition(), deps, {
        scheduler: new DiscreteEventScheduler(local.stack.clock),
        journal,
      });
    const first = pipelineOf();
    const submit = (title: string) =>
      first.start({
        intent: { ...intent, title, timestamp: local.stack.clock.now().toISOString() },
        caller: namedLocally(intent.authority.requester, 'test'),
      });
    const old = await submit('Requested first, left a week');
    local.stack.clock.advance(2 * 86_400_000);
    const recent = await submit('Requested two days later');
    expect([old.status, recent.status]).toEqual(['parked', 'parked']);

    // Act: the next start, just past the first one's deadline.
    local.stack.clock.advance((reviewTimeoutSeconds - 2 * 86_400 + 60) * 1000);
    const next = pipelineOf();
    const executions = new LocalExecutions(next, deps.ledger, deps.ledgerName);
    const recovered = await executions.recover(deps.state, local.stack.clock.now());
    await executions.idle();

    // Assess
    const types = async (id: string) =>
      (await deps.ledger.forIntent(deps.ledgerName, id)).map((stored) => stored.entry.type);
    expect(recovered).toBe(1);
    const failed = (await deps.ledger.forIntent(deps.ledgerName, old.intentId!)).find(
      (stored) => stored.entry.type === 'stage.failed',
    );
    expect(failed?.entry.payload).toMatchObject({ error: 'States.Timeout' });
    expect((await types(old.intentId!)).at(-1)).toBe('checkpoint.signed');
    expect((await types(recent.intentId!)).at(-1)).toBe('review.requested');
    expect((await next.parkedWaits.recorded()).map((parked) => parked.intentId)).toEqual([recent.intentId]);
  });
});
