import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { SfnExecutions } from '../../../lambdas/adapters/aws/sfn-executions.js';
import type { ReviewRequest } from '../../../lambdas/core/pipeline/review.js';

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
    const started = await new SfnExecutions(new SFNClient({}), arn).start('int-1', input);
    expect(started).toEqual({ executionId: `${arn}:int-1` });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: arn,
      name: 'int-1',
      input: JSON.stringify(input),
    });
  });

  test('an execution of that name already existing is a duplicate, not an error', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(new SfnExecutions(new SFNClient({}), arn).start('int-1', input)).resolves.toBe('duplicate');
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
});
