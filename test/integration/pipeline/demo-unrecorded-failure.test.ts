import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoFailureUnrecordedError, runDemo } from '../../../cli/commands/demo.js';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { ExecutionJournal } from '../../../cli/runtime/execution-journal.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { type LocalStack, openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';
import { ledgerOutOfSpace } from '../../support/ledger-out-of-space.js';

/**
 * `itv demo` on a home whose disk fills mid-run: the first intent's stage fails and so does RecordFailure. The
 * demo ends there with an error saying which intent, why, and that its execution stays journaled for the control
 * plane to record the failure when it next starts, instead of going on as if the intent had an outcome.
 */
describe('itv demo when a failure cannot be recorded', () => {
  let home: string;
  let stack: LocalStack;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-demo-unrecorded-'));
    stack = await openLocalStack({ home, inMemory: true, clockStart: new Date('2026-11-04T17:00:00Z') });
  });
  afterEach(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('ends with an error naming the intent, the cause and what happens next', async () => {
    // Prepare
    const { deps } = ledgerOutOfSpace(stack.deps, 'observation.recorded');
    const journal = new ExecutionJournal(stack.deps.state);
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, {
      scheduler: new DiscreteEventScheduler(stack.clock),
      journal,
    });

    // Act
    const running = runDemo({ stack, pipeline }, () => {});

    // Assess
    await expect(running).rejects.toBeInstanceOf(DemoFailureUnrecordedError);
    await expect(running).rejects.toThrow(/ENOSPC/);
    await expect(running).rejects.toThrow(/journaled/);
    await expect(running).rejects.toThrow(/control-plane\.log/);
    const [entry] = await journal.list();
    await expect(running).rejects.toThrow(new RegExp(entry!.intentId));
  });
});
