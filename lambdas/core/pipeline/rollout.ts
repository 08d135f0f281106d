import * as z from 'zod';
import type { StoredEntry } from '../../ports/ledger-store.js';
import { exposurePart } from '../ledger/entry-payload-parts.js';
import { deploymentProgressPayload } from '../ledger/entry-payloads.js';

/** How far a release has gone: its latest deployment's own progress, and the share of users that exposes. */
export interface Rollout {
  /** The share of users the change reaches. */
  usersPercentage: number;
  /** The share of targets the latest deployment has reached, as its last event that says reports. */
  deploymentPercentage: number;
}

/** `release.started` or `release.step-started` of a stepped release: the step its deployment exposes. */
const exposedStep = z.looseObject({ exposure: exposurePart });

/**
 * The rollout since the latest release started, from its deployment events; undefined before any reports one.
 * A release in one deployment exposes the share of targets it reached. A stepped release deploys each step to
 * every target (docs/RELEASE.md), so its deployment reaches 100 % at every step: the users exposed go from the
 * previous step's share to this step's as it goes (40 % of users, held at a step whose deployment completed),
 * and from the held step's share to none as a roll-back (`release.previous-redeployed`) goes.
 */
export function rolloutOf(entries: StoredEntry[]): Rollout | undefined {
  let deployment: number | undefined;
  let rollingBack = false;
  for (let i = entries.length - 1; i >= 0; i--) {
    const { type, payload } = entries[i]!.entry;
    if (type === 'release.previous-redeployed' && !rollingBack) {
      rollingBack = true;
      deployment ??= 0;
      continue;
    }
    if (type === 'release.started' || type === 'release.step-started') {
      const exposure = exposureOf(payload);
      if (!exposure) return deployment === undefined ? undefined : at(deployment, deployment);
      const reached = deployment ?? 0;
      return at(usersExposed(exposure, reached, rollingBack), reached);
    }
    // A deployment event (AppConfig's, numbered by `index`) that reports how far it has gone.
    const event = deploymentProgressPayload.safeParse(payload).data;
    if (event && deployment === undefined) deployment = event.percentage;
  }
  return deployment === undefined ? undefined : at(deployment, deployment);
}

/** The step a `release.started` or `release.step-started` payload deploys; undefined for a release in one deployment. */
export function exposureOf(payload: unknown): z.infer<typeof exposurePart> | undefined {
  return exposedStep.safeParse(payload).data?.exposure;
}

/**
 * The share of users a step's deployment exposes once it has reached `deployment` % of the targets: from the
 * previous step's share to this step's, or, rolling back (`release.previous-redeployed`), from this step's to none.
 *
 * @example usersExposed({ steps: [10, 20, 40], index: 2, percentage: 40 }, 100, false) // 40
 */
export function usersExposed(
  exposure: z.infer<typeof exposurePart>,
  deployment: number,
  rollingBack: boolean,
): number {
  if (rollingBack) return (exposure.percentage * (100 - deployment)) / 100;
  const before = exposure.steps[exposure.index - 1] ?? 0;
  return before + ((exposure.percentage - before) * deployment) / 100;
}

function at(users: number, deployment: number): Rollout {
  return { usersPercentage: Math.round(users * 10) / 10, deploymentPercentage: deployment };
}
