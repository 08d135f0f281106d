import type { Context } from 'aws-lambda';
import { localStageHandlers } from '../../../cli/runtime/local-handlers.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import type { PipelineDeps } from '../../../lambdas/core/pipeline/deps.js';
import { declareIntentStage } from '../../../lambdas/stages/declare-intent.js';
import { stageHandler } from '../../../lambdas/stages/define-stage.js';
import { signCheckpointStage } from '../../../lambdas/stages/sign-checkpoint.js';
import { pipelineTaskStates } from '../../../statemachines/task-states.js';

const context = {} as Context;
const noDeps = async (): Promise<PipelineDeps> => {
  throw new Error('the use case must not run on invalid input');
};

describe('stage handlers (middy + zod)', () => {
  test('a state input that breaks the stage contract is an InvalidInputError naming the field', async () => {
    // Prepare
    const handler = stageHandler(signCheckpointStage, noDeps);

    // Act
    const error = await handler({ intentId: 42 }, context).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).name).toBe('InvalidInputError');
    expect((error as InvalidInputError).issues).toEqual([
      expect.objectContaining({ path: 'intentId', message: expect.stringContaining('string') }),
    ]);
    expect((error as Error).message).toContain('SignCheckpoint');
  });

  test('a valid input reaches the use case and its output is checked against the output contract', async () => {
    // Prepare: a use case that returns something its output schema refuses
    const stage = { ...declareIntentStage, run: async () => ({ intentId: 'i', verdict: 'maybe' }) as never };
    const handler = stageHandler(stage, async () => ({}) as PipelineDeps);

    // Act
    const error = await handler({ intent: {}, source: 'cli' }, context).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['verdict', 'declaredAt']),
    );
  });

  test('the output of a well-behaved use case passes through unchanged', async () => {
    const stage = {
      ...declareIntentStage,
      run: async () => ({
        intentId: 'int-1',
        verdict: 'complete' as const,
        issues: [],
        declaredAt: '2026-11-02T09:00:00Z',
      }),
    };
    const handler = stageHandler(stage, async () => ({}) as PipelineDeps);
    await expect(handler({ intent: {}, source: 'api' }, context)).resolves.toEqual({
      intentId: 'int-1',
      verdict: 'complete',
      issues: [],
      declaredAt: '2026-11-02T09:00:00Z',
    });
  });
});

describe('local runtime coverage of the ASL', () => {
  test('every Task state of the synthesized pipeline has a local handler, and no handler is for a state that does not exist', () => {
    const local = Object.keys(localStageHandlers({} as PipelineDeps));
    expect(local.sort()).toEqual([...pipelineTaskStates].sort());
  });
});
