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

/**
 * A rollback monitor of the lane is out of OK from before the release: AppConfig rolls back a deployment whose
 * monitor is in ALARM or INSUFFICIENT_DATA while it runs, so a deployment started now would be rolled back at once
 * (or, observe-only, held) on an alarm this change did not raise. StartRelease starts nothing; the state machine
 * retries it, as it does a busy lane, until the alarm has returned to OK.
 */
export class MonitorsInAlarmError extends ItvError {}
