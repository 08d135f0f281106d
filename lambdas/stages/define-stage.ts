import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import { invalidInputMiddleware } from './invalid-input.js';
import type { FunctionAccess } from './stage-access.js';

/**
 * How the pipeline runs a stage: the Task state that invokes it, the function that holds it, where its result
 * goes in the state and what the function may touch. The state machine, the stack's functions and their IAM
 * grants, the local runtime and the CLI's progress lines are all derived from these (`registry.ts`).
 */
export interface StageTask<Name extends string = string, Fn extends string = string> {
  /** The Task state's name; also the stage's name in logs, metrics and progress lines. */
  name: Name;
  /** The Lambda function that runs it; its entry is `lambdas/functions/<fn>.ts`. */
  fn: Fn;
  /** What the Task state says it does (the ASL `Comment`). */
  comment: string;
  /** Where the stage's output goes in the execution's state. */
  resultPath: `$.${string}`;
  /** What the function may touch; the stack grants exactly this. */
  access: FunctionAccess;
  /**
   * The Task's input when it is not the whole state: field → JSONPath into the state, or `$$.Task.Token` for
   * the callback token.
   */
  parameters?: Readonly<Record<string, string>>;
  /**
   * Set when the execution waits for a callback (SendTaskSuccess or SendTaskFailure with the task token)
   * rather than for the function's result: at most this many seconds.
   */
  callbackTimeoutSeconds?: number;
  /**
   * Set instead of `callbackTimeoutSeconds` when the wait's length comes from the state: a JSONPath into the
   * state input (the Task's TimeoutSecondsPath) selecting a positive integer of seconds.
   */
  callbackTimeoutPath?: `$.${string}`;
}

/** What a stage's handler runs: the zod contract of its input and output and the use case between them. */
export interface StageContract<In extends z.ZodType, Out extends z.ZodType> {
  name: string;
  input: In;
  output: Out;
  run(input: z.infer<In>, deps: PipelineDeps): Promise<z.input<Out>>;
}

/** One pipeline stage: its contract and how the pipeline runs it. */
export interface Stage<
  In extends z.ZodType,
  Out extends z.ZodType,
  Name extends string = string,
  Fn extends string = string,
> extends StageContract<In, Out>,
    StageTask<Name, Fn> {
  name: Name;
}

export function defineStage<
  const Name extends string,
  const Fn extends string,
  In extends z.ZodType,
  Out extends z.ZodType,
>(stage: Stage<In, Out, Name, Fn>): Stage<In, Out, Name, Fn> {
  return stage;
}

export type StageHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The Lambda handler of a stage: a middy pipeline that zod-parses the state input, calls the use case
 * with the composition root's adapters, and returns a zod-checked output. The local runtime builds the
 * same handler with local adapters.
 */
export function stageHandler<In extends z.ZodType, Out extends z.ZodType>(
  stage: StageContract<In, Out>,
  deps: () => Promise<PipelineDeps>,
  /** The composition root's own middlewares (logs, metrics, traces on AWS), outermost first. */
  telemetry: (stage: string) => MiddlewareObj[] = () => [],
): StageHandler {
  const handler = middy()
    .use(telemetry(stage.name))
    .use(invalidInputMiddleware(stage.name))
    .use(parser({ schema: stage.input }))
    .handler((async (event: z.infer<In>) =>
      stage.output.parse(await stage.run(event, await deps()))) as never);
  return handler as unknown as StageHandler;
}
