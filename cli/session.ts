import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Catalog } from '../lambdas/core/catalog-schema.js';
import { ItvError } from '../lambdas/core/errors.js';
import { itvHome } from '../lambdas/wiring/local/itv-home.js';
import { type LocalStack, openLocalStack } from '../lambdas/wiring/local/local-stack.js';
import { HomeBusyError, runningControlPlane } from './control-plane/client.js';
import { claimHome, currentOwner, releaseHome } from './control-plane/home-owner.js';
import { projectRoot } from './project-root.js';
import { schedulerFor } from './runtime/clock-mode.js';
import { ExecutionJournal } from './runtime/execution-journal.js';
import { LocalPipeline, type ProgressEvent } from './runtime/local-pipeline.js';

const root = projectRoot;

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

export interface SessionOptions {
  onProgress?: (event: ProgressEvent) => void;
  waitForReview?: boolean;
  home?: string;
  /**
   * A stack of its own in memory, shared with nobody (tests, `itv demo --in-memory`). Without it the session
   * owns the home (`itv demo`): a running control plane is asked to stop first, and every other command is a
   * client of the control plane instead.
   */
  inMemory?: boolean;
  catalog?: Catalog;
  /** Where virtual time starts (tests); default now. It never starts before the ledger's last entry. */
  clockStart?: Date;
}

/** Opens the local stack and a pipeline on it; always closes the stack, even when `work` throws. */
export async function withSession<T>(
  options: SessionOptions,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const home = options.home ?? itvHome();
  const opened = {
    home,
    inMemory: options.inMemory,
    catalog: options.catalog,
    clockStart: options.clockStart,
  };
  if (options.inMemory) return run(await openLocalStack(opened), options, work);
  await takeOver(home);
  try {
    return await run(await openLocalStack(opened), options, work);
  } finally {
    releaseHome(home);
  }
}

async function run<T>(
  stack: LocalStack,
  options: SessionOptions,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  try {
    const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
      scheduler: schedulerFor(stack.clock),
      onProgress: options.onProgress,
      waitForReview: options.waitForReview,
      // On a home, as the control plane journals its own: an execution this process leaves unfinished (its
      // failure unrecorded, say) is resumed by the home's control plane when it next starts.
      ...(options.inMemory ? {} : { journal: new ExecutionJournal(stack.deps.state) }),
    });
    return await work({ stack, pipeline });
  } finally {
    await stack.close();
  }
}

/** Claims the home for this process, asking its control plane to stop first; at most a minute. */
async function takeOver(home: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let asked = false;
  while (!claimHome(home, 'demo')) {
    const owner = currentOwner(home);
    if (owner?.kind === 'demo') {
      throw new HomeBusyError(`${home} is in use by another \`itv demo\` (pid ${owner.pid}) until it ends`);
    }
    if (!asked) {
      const running = await runningControlPlane(home);
      if (running) await running.call('POST', '/local/stop');
      asked = running !== undefined;
    }
    if (Date.now() > deadline)
      throw new ItvError(`the control plane of ${home} did not stop within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
