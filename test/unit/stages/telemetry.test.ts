import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { TransientError } from '../../../lambdas/core/errors.js';
import type { PipelineDeps } from '../../../lambdas/core/pipeline/deps.js';
import { stageHandler } from '../../../lambdas/stages/define-stage.js';
import { intentIdOf, telemetry } from '../../../lambdas/wiring/aws/telemetry.js';

const context = {
  functionName: 'itv-learn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:itv-learn',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/itv-learn',
  logStreamName: 's',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** Everything the handler writes to stdout (Powertools logs and EMF documents), one JSON value a line. */
async function captured(run: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(keep as never),
    jest.spyOn(process.stderr, 'write').mockImplementation(keep as never),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation(keep as never),
    ),
  ];
  try {
    await run().catch(() => undefined);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const learnLike = (run: () => Promise<unknown>) =>
  stageHandler(
    {
      name: 'Learn',
      input: z.object({ declared: z.object({ intentId: z.string() }) }),
      output: z.object({ outcome: z.string() }),
      run: run as never,
    },
    async () => ({}) as PipelineDeps,
    telemetry,
  );

describe('stage telemetry on AWS', () => {
  test('a log line carries the stage and the intent id; EMF carries the duration, the outcome and the intent id', async () => {
    const out = await captured(() =>
      learnLike(async () => ({ outcome: 'released' }))({ declared: { intentId: 'int-42' } }, context),
    );
    const done = out.find((line) => line.message === 'stage done');
    expect(done).toMatchObject({
      stage: 'Learn',
      intentId: 'int-42',
      service: 'itv',
      function_name: 'itv-learn',
    });
    const emf = out.filter((line) => '_aws' in line);
    const stage = emf.find((doc) => 'StageDuration' in doc);
    expect(stage).toMatchObject({ Stage: 'Learn', StageInvocations: 1, service: 'itv', intentId: 'int-42' });
    expect(
      (stage!._aws as { CloudWatchMetrics: Array<{ Namespace: string }> }).CloudWatchMetrics[0]?.Namespace,
    ).toBe('itv/Pipeline');
    expect(emf.find((doc) => 'IntentsConcluded' in doc)).toMatchObject({
      Outcome: 'released',
      IntentsConcluded: 1,
    });
  });

  test('a retried failure counts as a retry, by error name; the error still reaches Step Functions', async () => {
    let thrown: unknown;
    const out = await captured(async () => {
      try {
        await learnLike(async () => {
          throw new TransientError('dynamodb throttled');
        })({ declared: { intentId: 'int-43' } }, context);
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(TransientError);
    expect(out.find((doc) => 'StageRetries' in doc)).toMatchObject({
      Stage: 'Learn',
      Error: 'TransientError',
      StageRetries: 1,
    });
    expect(out.find((doc) => 'PipelineRetries' in doc)).toMatchObject({ service: 'itv', PipelineRetries: 1 });
    expect(out.find((doc) => 'PipelineErrors' in doc)).toBeUndefined();
    expect(out.find((line) => line.message === 'stage failed, to be retried')).toMatchObject({
      intentId: 'int-43',
      error: 'TransientError',
    });
  });

  test('the intent id comes from the pipeline state, a checkpoint request or an API route', () => {
    expect(intentIdOf({ declared: { intentId: 'a' } })).toBe('a');
    expect(intentIdOf({ action: 'checkpoint', intentId: 'b' })).toBe('b');
    expect(intentIdOf({ pathParameters: { id: 'c' } })).toBe('c');
    expect(intentIdOf({ intent: {} })).toBeUndefined();
  });
});
