import { ItvError } from '../errors.js';

/** No deployment with that id in that service's environment (AppConfig ResourceNotFoundException). */
export class DeploymentNotFoundError extends ItvError {}

/**
 * The deployment cannot be stopped: it already COMPLETED. The Releaser port stops in-progress deployments only;
 * on AppConfig a completed one could only be reverted (StopDeployment with AllowRevert).
 */
export class DeploymentNotStoppableError extends ItvError {}

/**
 * The release that disabled its monitors' alarm actions is still rolling out or baking: enabling them now would
 * let AppConfig revert a change that must not be reverted. The state machine retries later, until it has ended.
 */
export class MonitorsStillObservingError extends ItvError {}

/**
 * AppConfig refused StopDeployment (it stops only DEPLOYING, or BAKING with AllowRevert) while the deployment is
 * still in progress: the stop did not happen. The state machine retries it; once retries are spent the failure
 * path escalates to the owners.
 */
export class StopRefusedError extends ItvError {}
