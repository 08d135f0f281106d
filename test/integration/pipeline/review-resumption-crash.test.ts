import { readFileSync } from 'node:fs';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { ExecutionJournal } from '../../../cli/runtime/execution-journal.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { type ReviewRequest, recordReview } from '../../../lambdas/core/pipeline/review.js';
import { stackForEachTest } from '../../support/stack-for-each-test.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);

/**
 * A review resumes its parked execution once: the first hand-over claims the resumption in the state store. A
 * control plane killed just after that claim, before the resumed execution ran, left nobody to run it: a review
 * sent again found it claimed, and the next start's journal had nothing to resume. The intent read
 * `review.approved` for good and held its lane.
 */
describe('a control plane killed as it resumes a reviewed execution', () => {
  const local = stackForEachTest('itv-review-crash-', [intent]);

  test('the next start resumes it, once, and a review sent again starts nothing more', async () => {
    // Prepare: the change parks for its reviewer of record, who approves it.
    const { deps } = local.stack;
    const journal = new ExecutionJournal(deps.state);
    const pipelineOf = () =>
      new LocalPipeline(pipelineDefinition(), deps, {
        scheduler: new DiscreteEventScheduler(local.stack.clock),
        journal,
      });
    const dying = pipelineOf();
    const parked = await dying.start({
      intent: { ...intent, timestamp: local.stack.clock.now().toISOString() },
      caller: namedLocally(intent.authority.requester, 'test'),
    });
    const intentId = parked.intentId!;
    expect(parked.status).toBe('parked');
    await recordReview({ intentId, decision: 'approved', reviewer: namedLocally('xavier', 'test') }, deps);

    // Act: the hand-over claims the resumption, and the process dies before the execution runs.
    expect(await dying.claimReviewResumption(intentId)).toBe(true);
    const next = pipelineOf();
    const executions = new LocalExecutions(next, deps.ledger, deps.ledgerName);
    const recovered = await executions.recover();
    await executions.idle();
    const again = await executions.completeReview({ intentId } as ReviewRequest, {} as never);
    await executions.idle();

    // Assess: resumed by the start, released and sealed; the review sent again resumed nothing.
    expect(recovered).toBe(1);
    const types = (await deps.ledger.forIntent(deps.ledgerName, intentId)).map((e) => e.entry.type);
    expect(types.filter((type) => type === 'release.started')).toHaveLength(1);
    expect(types.at(-2)).toBe('intent.concluded');
    expect(types.at(-1)).toBe('checkpoint.signed');
    expect(again).toBe('ended');
    expect(await journal.list()).toEqual([]);
  });
});
