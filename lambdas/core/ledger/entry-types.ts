import type { DeploymentEventType } from '../release/deployment-status.js';

/** `ROLLBACK_STARTED` → `rollback-started`, at the type level. */
type Kebab<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}-${Kebab<Tail>}`
  : Lowercase<S>;

/** A deployment event as a ledger entry type: `release.deployment-started`, `release.rollback-started` … */
export type DeploymentEntryType = `release.${Kebab<DeploymentEventType>}`;

/**
 * Every type of ledger entry the pipeline writes. `record()` takes only these, so a new kind of entry is
 * declared here first, where readers and docs/LEDGER.md can find it.
 */
export type LedgerEntryType =
  | 'intent.declared'
  | 'intent.incomplete'
  | 'request.refused'
  | `structure.${'validated' | 'rejected' | 'schema-update-required'}`
  | `admission.${'admitted' | 'queued' | 'scheduled' | 'rejected'}`
  | 'decision.signed'
  | 'decision.reused'
  | `verification.${'passed' | 'failed' | 'awaiting-checks'}`
  | 'check.reported'
  | `review.${'requested' | 'approved' | 'rejected'}`
  | `release.${'started' | 'step-started' | 'stopped' | 'preempted' | 'frozen' | 'rolling-forward' | 'escalated'}`
  | `release.${'stop-refused' | 'monitors-restored' | 'contract-only'}`
  | `release.${'decision-requested' | 'decided' | 'decision-timed-out' | 'previous-redeployed'}`
  | DeploymentEntryType
  | 'observation.recorded'
  | 'intent.stopped'
  | 'contract.registered'
  | 'intent.concluded'
  | 'checkpoint.signed'
  | 'stage.failed';

/**
 * The ledger type of a deployment event, e.g. `ROLLBACK_STARTED` → `release.rollback-started`. The releasers
 * report AppConfig's event type as a string: a type AppConfig adds later is recorded the same way, not refused.
 */
export function deploymentEntryType(event: DeploymentEventType | (string & {})): DeploymentEntryType {
  return `release.${event.toLowerCase().replace(/_/g, '-')}` as DeploymentEntryType;
}
