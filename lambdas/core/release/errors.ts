import { ItvError } from '../errors.js';

/** No deployment with that id in that service's environment (AppConfig ResourceNotFoundException). */
export class DeploymentNotFoundError extends ItvError {}

/**
 * The deployment cannot be stopped: it already COMPLETED (AppConfig's StopDeployment "works only on deployments
 * that have a status of DEPLOYING" unless AllowRevert is given, which the Releaser port does not offer).
 */
export class DeploymentNotStoppableError extends ItvError {}
