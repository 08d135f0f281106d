import { ItvError } from '../errors.js';

/** No deployment with that id in that service's environment (AppConfig ResourceNotFoundException). */
export class DeploymentNotFoundError extends ItvError {}

/**
 * The deployment cannot be stopped: it already COMPLETED. The Releaser port stops in-progress deployments only;
 * on AppConfig a completed one could only be reverted (StopDeployment with AllowRevert).
 */
export class DeploymentNotStoppableError extends ItvError {}
