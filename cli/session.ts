import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Catalog } from '../lambdas/core/catalog-schema.js';
import { type LocalStack, openLocalStack } from '../lambdas/wiring/local/local-stack.js';
import { LocalPipeline, type ProgressEvent } from './runtime/local-pipeline.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The sample intents shipped with itv. */
export const examplesDir = join(root, 'examples');

/** The ASL the CDK stack synthesizes, exported at build time and held equal to a fresh synth by a test. */
export function pipelineDefinition(): StateMachineDefinition {
  return JSON.parse(
    readFileSync(join(root, 'statemachines', 'pipeline.asl.json'), 'utf8'),
  ) as StateMachineDefinition;
}

export interface Session {
  stack: LocalStack;
  pipeline: LocalPipeline;
}

/** Opens the local stack and a pipeline on it; always closes the stack, even when `work` throws. */
export async function withSession<T>(
  options: {
    onProgress?: (event: ProgressEvent) => void;
    waitForReview?: boolean;
    home?: string;
    inMemory?: boolean;
    catalog?: Catalog;
    /** Where virtual time starts (tests); default now. It never starts before the ledger's last entry. */
    clockStart?: Date;
  },
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const stack = await openLocalStack({
    home: options.home,
    inMemory: options.inMemory,
    catalog: options.catalog,
    clockStart: options.clockStart,
  });
  try {
    const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
      advanceClock: (ms) => stack.clock.advance(ms),
      onProgress: options.onProgress,
      waitForReview: options.waitForReview,
    });
    return await work({ stack, pipeline });
  } finally {
    await stack.close();
  }
}
