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
      const exposure = exposedStep.safeParse(payload).data?.exposure;
      if (!exposure) return deployment === undefined ? undefined : at(deployment, deployment);
      if (rollingBack) return at((exposure.percentage * (100 - deployment!)) / 100, deployment!);
      const before = exposure.steps[exposure.index - 1] ?? 0;
      const reached = deployment ?? 0;
      return at(before + ((exposure.percentage - before) * reached) / 100, reached);
    }
    // A deployment event (AppConfig's, numbered by `index`) that reports how far it has gone.
    const event = deploymentProgressPayload.safeParse(payload).data;
    if (event && deployment === undefined) deployment = event.percentage;
  }
  return deployment === undefined ? undefined : at(deployment, deployment);
}

function at(users: number, deployment: number): Rollout {
  return { usersPercentage: Math.round(users * 10) / 10, deploymentPercentage: deployment };
}
