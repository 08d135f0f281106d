import { admitPolicyStage } from './admit-policy.js';
import { applyReleaseDecisionStage } from './apply-release-decision.js';
import { awaitChecksStage } from './await-checks.js';
import { awaitDueStage } from './await-due.js';
import { awaitLaneStage } from './await-lane.js';
import { awaitReleaseDecisionStage } from './await-release-decision.js';
import { awaitReviewStage } from './await-review.js';
import { checkReleaseStage } from './check-release.js';
import { declareIntentStage } from './declare-intent.js';
import type { Stage } from './define-stage.js';
import { formDecisionStage } from './form-decision.js';
import { learnStage } from './learn.js';
import { observeStage } from './observe.js';
import { recordFailureStage } from './record-failure.js';
import { restoreMonitorsStage } from './restore-monitors.js';
import { signCheckpointStage } from './sign-checkpoint.js';
import { startReleaseStage } from './start-release.js';
import { stopReleaseStage } from './stop-release.js';
import { validateStructureStage } from './validate-structure.js';
import { verifyStage } from './verify.js';

/**
 * Every stage of the pipeline, each declared once in its own file: its Task state, function, contract, result
 * path and access. The state machine (`statemachines/pipeline.ts`) wires these into a flow; the stack, the
 * local runtime and the CLI's progress lines take everything else from here.
 */
export const pipelineStageList = [
  declareIntentStage,
  validateStructureStage,
  admitPolicyStage,
  awaitLaneStage,
  awaitDueStage,
  formDecisionStage,
  verifyStage,
  awaitChecksStage,
  awaitReviewStage,
  startReleaseStage,
  checkReleaseStage,
  stopReleaseStage,
  awaitReleaseDecisionStage,
  applyReleaseDecisionStage,
  observeStage,
  learnStage,
  signCheckpointStage,
  recordFailureStage,
  restoreMonitorsStage,
] as const;

type RegisteredStage = (typeof pipelineStageList)[number];

/** A Task state of the pipeline. */
export type PipelineTaskState = RegisteredStage['name'];
/** A stage function, `lambdas/functions/<fn>.ts`. */
export type PipelineStage = RegisteredStage['fn'];

// biome-ignore lint/suspicious/noExplicitAny: the registry holds stages of every input and output type
export type AnyStage = Stage<any, any, PipelineTaskState, PipelineStage>;

/** The stages by Task state name. */
export const stagesByState = Object.fromEntries(pipelineStageList.map((s) => [s.name, s])) as Readonly<
  Record<PipelineTaskState, AnyStage>
>;
