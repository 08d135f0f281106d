import { readFileSync } from 'node:fs';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { ExecutionJournal } from '../../../cli/runtime/execution-journal.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalExecutions, type RetryLater } from '../../../cli/runtime/local-executions.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { deriveIntentId } from '../../../lambdas/core/intent-id.js';
import { ledgerOutOfSpace } from '../../support/ledger-out-of-space.js';
import { stackForEachTest } from '../../support/stack-for-each-test.js';

const intent = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
);

/**
 * A stage fails on a full disk and RecordFailure, writing on the same disk, fails too: the execution ends with
 * its failure unrecorded. It stays in the journal, so a later run (a restart, or a retry once space is back)
 * records the failure and frees the lane, rather than leaving the intent `releasing` for good.
 */
describe('a failure RecordFailure could not record (local runtime)', () => {
  const local = stackForEachTest('itv-unrecorded-', [intent]);

  test('the execution stays journaled, says so, and its resumption records the failure once', async () => {
    // Prepare: the disk fills as Observe writes its entry.
    const { deps, disk } = ledgerOutOfSpace(local.stack.deps, 'observation.recorded');
    const journal = new ExecutionJournal(local.stack.deps.state);
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, {
      scheduler: new DiscreteEventScheduler(local.stack.clock),
      journal,
    });
    const caller = namedLocally(intent.authority.requester, 'test');

    // Act
    const report = await pipeline.start({
      intent: { ...intent, timestamp: local.stack.clock.now().toISOString() },
      caller,
    });
    const intentId = report.intentId!;

    // Assess: failed, unrecorded, still journaled at RecordFailure.
    expect(report.status).toBe('failed');
    expect(report.failureUnrecorded).toBe(true);
    expect(report.error).toContain('ENOSPC');
    const types = async () =>
      (await local.stack.deps.ledger.forIntent(local.stack.deps.ledgerName, intentId)).map(
        (e) => e.entry.type,
      );
    expect(await types()).not.toContain('stage.failed');
    expect((await journal.list()).map((entry) => [entry.intentId, entry.state])).toEqual([
      [intentId, 'RecordFailure'],
    ]);

    // Act: space is back; the journaled execution is resumed.
    disk.free();
    const resumed = await pipeline.resumeJournaled(intentId);

    // Assess: the failure is recorded once, the intent sealed, nothing left to resume.
    expect(resumed.status).toBe('failed');
    expect(resumed.failureUnrecorded).toBeUndefined();
    const after = await types();
    expect(after.filter((type) => type === 'stage.failed')).toHaveLength(1);
    expect(after.at(-1)).toBe('checkpoint.signed');
    expect(await journal.list()).toEqual([]);
  });

  test('the control plane tries it again after a back-off until the failure is recorded', async () => {
    // Prepare: tries are run by the test, not a timer.
    const { deps, disk } = ledgerOutOfSpace(local.stack.deps, 'observation.recorded');
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, {
      scheduler: new DiscreteEventScheduler(local.stack.clock),
      journal: new ExecutionJournal(local.stack.deps.state),
    });
    const tries: Array<{ retry: () => void; attempt: number }> = [];
    const retryLater: RetryLater = (retry, attempt) => {
      tries.push({ retry, attempt });
      return { seconds: 5 * attempt, cancel: () => {} };
    };
    const logged: string[] = [];
    const executions = new LocalExecutions(
      pipeline,
      local.stack.deps.ledger,
      local.stack.deps.ledgerName,
      (line) => logged.push(String(line)),
      Number.POSITIVE_INFINITY,
      retryLater,
    );
    const caller = namedLocally(intent.authority.requester, 'test');
    const declared = { ...intent, timestamp: local.stack.clock.now().toISOString() };
    const id = deriveIntentId(intentSchema.parse(declared));

    // Act: the first run fails unrecorded.
    await executions.start(
      { name: id, intentId: id },
      { intent: declared, source: 'api', submittedAt: declared.timestamp, caller },
    );
    await executions.idle();

    // Assess: noted, logged, a try scheduled.
    expect(executions.isRunning(id)).toBe(false);
    expect(executions.unrecordedFailure(id)).toMatchObject({
      attempts: 1,
      retryInSeconds: 5,
      error: expect.stringContaining('ENOSPC'),
    });
    expect(logged.join('\n')).toContain(`${id}: the failure was not recorded`);
    expect(tries.map((t) => t.attempt)).toEqual([1]);

    // Act: the try runs while the disk is still full; then space is back and the next try runs.
    tries[0]!.retry();
    await executions.idle();
    expect(executions.unrecordedFailure(id)).toMatchObject({ attempts: 2, retryInSeconds: 10 });
    disk.free();
    tries[1]!.retry();
    await executions.idle();

    // Assess: recorded once, nothing left to try.
    const types = (await local.stack.deps.ledger.forIntent(local.stack.deps.ledgerName, id)).map(
      (e) => e.entry.type,
    );
    expect(types.filter((type) => type === 'stage.failed')).toHaveLength(1);
    expect(executions.unrecordedFailure(id)).toBeUndefined();
    expect(tries).toHaveLength(2);
  });

  test('a stop of the intent tries at once', async () => {
    // Prepare: a failure left unrecorded, its try scheduled.
    const { deps, disk } = ledgerOutOfSpace(local.stack.deps, 'observation.recorded');
    const journal = new ExecutionJournal(local.stack.deps.state);
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, {
      scheduler: new DiscreteEventScheduler(local.stack.clock),
      journal,
    });
    const cancelled: number[] = [];
    const retryLater: RetryLater = (_retry, attempt) => ({
      seconds: 5,
      cancel: () => cancelled.push(attempt),
    });
    const executions = new LocalExecutions(
      pipeline,
      local.stack.deps.ledger,
      local.stack.deps.ledgerName,
      () => {},
      Number.POSITIVE_INFINITY,
      retryLater,
    );
    const caller = namedLocally(intent.authority.requester, 'test');
    const declared = { ...intent, timestamp: local.stack.clock.now().toISOString() };
    const id = deriveIntentId(intentSchema.parse(declared));
    await executions.start(
      { name: id, intentId: id },
      { intent: declared, source: 'api', submittedAt: declared.timestamp, caller },
    );
    await executions.idle();
    disk.free();

    // Act: the stop's resumption of its waits.
    await executions.resumeToStop(id, {});
    await executions.idle();

    // Assess: the failure is recorded without waiting for the back-off.
    const types = (await local.stack.deps.ledger.forIntent(local.stack.deps.ledgerName, id)).map(
      (e) => e.entry.type,
    );
    expect(types.filter((type) => type === 'stage.failed')).toHaveLength(1);
    expect(executions.unrecordedFailure(id)).toBeUndefined();
    expect(cancelled).toEqual([1]);
    expect(await journal.list()).toEqual([]);
  });

  test('a control plane that stops calls off the tries and leaves the execution journaled', async () => {
    // Prepare
    const { deps } = ledgerOutOfSpace(local.stack.deps, 'observation.recorded');
    const journal = new ExecutionJournal(local.stack.deps.state);
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, {
      scheduler: new DiscreteEventScheduler(local.stack.clock),
      journal,
    });
    const cancelled: number[] = [];
    const retryLater: RetryLater = (_retry, attempt) => ({
      seconds: 5,
      cancel: () => cancelled.push(attempt),
    });
    const executions = new LocalExecutions(
      pipeline,
      local.stack.deps.ledger,
      local.stack.deps.ledgerName,
      () => {},
      Number.POSITIVE_INFINITY,
      retryLater,
    );
    const caller = namedLocally(intent.authority.requester, 'test');
    const declared = { ...intent, timestamp: local.stack.clock.now().toISOString() };
    const id = deriveIntentId(intentSchema.parse(declared));
    await executions.start(
      { name: id, intentId: id },
      { intent: declared, source: 'api', submittedAt: declared.timestamp, caller },
    );
    await executions.idle();

    // Act
    const waiting = executions.stopRetries();

    // Assess
    expect(waiting).toBe(1);
    expect(cancelled).toEqual([1]);
    expect(executions.unrecordedFailure(id)).toMatchObject({ retryInSeconds: undefined });
    expect((await journal.list()).map((entry) => entry.intentId)).toEqual([id]);
  });
});
