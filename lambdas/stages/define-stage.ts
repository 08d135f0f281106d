import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import { invalidInputMiddleware } from './invalid-input.js';

/** One pipeline stage: the zod contract of its input and output and the use case between them. */
export interface Stage<In extends z.ZodType, Out extends z.ZodType> {
  name: string;
  input: In;
  output: Out;
  run(input: z.infer<In>, deps: PipelineDeps): Promise<z.input<Out>>;
}

export function defineStage<In extends z.ZodType, Out extends z.ZodType>(
  stage: Stage<In, Out>,
): Stage<In, Out> {
  return stage;
}

export type StageHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The Lambda handler of a stage: a middy pipeline that zod-parses the state input, calls the use case
 * with the composition root's adapters, and returns a zod-checked output. The local runtime builds the
 * same handler with local adapters.
 */
export function stageHandler<In extends z.ZodType, Out extends z.ZodType>(
  stage: Stage<In, Out>,
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
