import type { ReleaseRequest } from '../../ports/releaser.js';
import type { ResolvedIntent } from '../intent.js';
import { type ExposureProgress, exposureStepStrategy } from '../release/index.js';
import { type PipelineDeps, record } from './deps.js';
import { hostedVersion, releasedContent } from './release-configuration.js';
import { type ResultContext, toResult } from './release-result.js';
import { releaseContract } from './released-contracts.js';
import type { ReleaseResult } from './state.js';

/**
 * Deploys the next exposure step of a stepped release: its own hosted configuration version (one per step,
 * reused if the stage is retried) to every target at once, baked for the watch floor before the step after.
 */
export async function startStep(
  intent: ResolvedIntent,
  intentId: string,
  next: ExposureProgress,
  context: ResultContext,
  deps: PipelineDeps,
): Promise<ReleaseResult> {
  const previous = await releasedContent(intent.change.service, intent.change.profile, deps);
  const request: ReleaseRequest = {
    intentId,
    service: intent.change.service,
    environment: context.environment,
    profile: intent.change.profile,
    contractVersion: intent.change.contractVersion,
    ...(await releaseContract(intent, deps)),
    content: intent.change.payload,
    strategy: exposureStepStrategy,
    description: `${intentId}: ${intent.title} (exposure ${next.percentage}%)`,
    rollbackOnAlarm: false,
    exposure: { percentage: next.percentage, ...(previous ? { previous } : {}) },
  };
  const configurationVersion = await hostedVersion(request, deps, next.index);
  const status = await deps.releaser.start({ ...request, configurationVersion });
  await record(
    deps,
    intentId,
    'release.step-started',
    {
      deploymentId: status.deploymentId,
      configurationVersion,
      exposure: next,
      startedAt: status.startedAt,
    },
    `release/step/${next.index}`,
  );
  return toResult(status, { ...context, exposure: next });
}
