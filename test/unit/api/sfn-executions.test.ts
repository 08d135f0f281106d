import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { SfnExecutions } from '../../../lambdas/adapters/aws/sfn-executions.js';
import type { ReleaseDecisionRequest } from '../../../lambdas/core/pipeline/release-decision.js';
import type { ReviewRequest } from '../../../lambdas/core/pipeline/review.js';
import type { ReleaseDecision } from '../../../lambdas/core/pipeline/state.js';

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:itv';
const request = {
  intentId: 'i',
  taskToken: 'tok',
  requestedAt: '',
  requester: 'a',
  state: {},
} as unknown as ReviewRequest;
const input = {
  intent: { title: 'x' },
  source: 'api' as const,
  submittedAt: '2026-11-02T09:00:00Z',
  caller: { principal: 'alice', authenticatedAs: { method: 'local' as const, via: 'test' } },
};

describe('SfnExecutions', () => {
  test('starts an execution named after the intent with the state input as JSON', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${arn}:int-1` });
    const started = await new SfnExecutions(new SFNClient({}), arn).start(
      { name: 'int-1', intentId: 'int-1' },
      input,
    );
    expect(started).toEqual({ executionId: `${arn}:int-1` });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: arn,
      name: 'int-1',
      input: JSON.stringify(input),
    });
  });

  test('an execution of that name already existing is a duplicate, not an error', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(
      new SfnExecutions(new SFNClient({}), arn).start({ name: 'int-1', intentId: 'int-1' }, input),
    ).resolves.toBe('duplicate');
  });

  test('an approval returns the task token with the review as output', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    const review = { decision: 'approved' as const, reviewer: 'r', decidedAt: '2026-11-02T09:00:00Z' };
    await new SfnExecutions(new SFNClient({}), arn).completeReview(request, review);
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({
      taskToken: 'tok',
      output: JSON.stringify(review),
    });
  });

  test('a rejection fails the task with ReviewRejectedError, which the state machine catches', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    await new SfnExecutions(new SFNClient({}), arn).completeReview(request, {
      decision: 'rejected',
      reviewer: 'r',
      reason: 'no DPIA',
      decidedAt: '2026-11-02T09:00:00Z',
    });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({
      taskToken: 'tok',
      error: 'ReviewRejectedError',
      cause: 'no DPIA',
    });
  });

  test('a review whose task is already closed (resumed before, or timed out) reports the wait ended', async () => {
    // SendTaskSuccess answers TaskTimedOut when "the task token has either expired or the task associated
    // with the token has already been closed" (Step Functions API reference), TaskDoesNotExist for a gone task.
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const review = { decision: 'approved' as const, reviewer: 'r', decidedAt: '2026-11-02T09:00:00Z' };
    await expect(new SfnExecutions(new SFNClient({}), arn).completeReview(request, review)).resolves.toBe(
      'ended',
    );
  });

  test('a review whose task the execution still waits on reports it resumed', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    const review = { decision: 'approved' as const, reviewer: 'r', decidedAt: '2026-11-02T09:00:00Z' };
    await expect(new SfnExecutions(new SFNClient({}), arn).completeReview(request, review)).resolves.toBe(
      'resumed',
    );
  });

  const wait = {
    intentId: 'i',
    taskToken: 'held-tok',
    deploymentId: '7',
  } as unknown as ReleaseDecisionRequest;
  const decided: ReleaseDecision = {
    decision: 'roll-back',
    decider: 'alice',
    reason: 'errors',
    decidedAt: '2026-11-04T18:30:00Z',
    heldDeploymentId: '7',
    escalationAt: '2026-11-04T18:20:00Z',
    cause: 'regression',
    timedOut: false,
  };

  test('a release decision resumes the held release with SendTaskSuccess, the decision as output', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await new SfnExecutions(new SFNClient({}), arn).completeReleaseDecision(wait, decided);
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({
      taskToken: 'held-tok',
      output: JSON.stringify({ decided }),
    });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  test('a retried decision whose wait was already resumed or timed out is no error', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    await expect(
      new SfnExecutions(new SFNClient({}), arn).completeReleaseDecision(wait, decided),
    ).resolves.toBeUndefined();
  });

  test('any other refusal of the token is the caller’s to see', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new Error('AccessDenied'));
    await expect(
      new SfnExecutions(new SFNClient({}), arn).completeReleaseDecision(wait, decided),
    ).rejects.toThrow('AccessDenied');
  });
});
