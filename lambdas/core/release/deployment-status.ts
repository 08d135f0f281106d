import type { DeploymentStatus } from '../../ports/releaser.js';

/**
 * AppConfig's event types (DeploymentEventType in the API reference); both Releaser adapters report these.
 * Events are listed oldest first and only ever appended to, so a poller can record them by index.
 */
export type DeploymentEventType =
  | 'DEPLOYMENT_STARTED'
  | 'PERCENTAGE_UPDATED'
  | 'BAKE_TIME_STARTED'
  | 'DEPLOYMENT_COMPLETED'
  | 'ROLLBACK_STARTED'
  | 'ROLLBACK_COMPLETED'
  | 'REVERT_COMPLETED';

const inProgress = new Set(['DEPLOYING', 'BAKING', 'VALIDATING', 'ROLLING_BACK']);

/** Whether the deployment still holds its environment (AppConfig answers ConflictException to a second start). */
export function isInProgress(state: DeploymentStatus['state']): boolean {
  return inProgress.has(state);
}
