/**
 * What a function may call on AppConfig to release: create a hosted version, start, read or stop a deployment;
 * `monitors`: read a lane's monitors and latest deployment, and enable the monitors' alarm actions.
 */
export type ReleaseAction = 'create-version' | 'start' | 'check' | 'stop' | 'monitors';

/**
 * What one function may touch. The stack turns each grant into IAM statements and the environment variables
 * the function receives, so a function never learns the name of a resource it cannot use.
 */
export interface FunctionAccess {
  /**
   * `append` = read + conditional PutItem, plus UpdateItem for the store's idempotency markers; entries are
   * never deleted.
   */
  ledger?: 'read' | 'append';
  /**
   * `write` = read + put + delete; `record` = read + put (items it adds are never removed); `put` = put alone
   * (a function that records without reading anything back); `park` = put + single-item reads, no Query (a
   * task-token park keeps its token and looks up, by key, the items it waits on); `list-put` = put + Query, no
   * single-item reads (a grant lists the grantee's revocations before it records the delegation); `list` = Query
   * alone (the list of delegations).
   */
  state?: 'read' | 'write' | 'record' | 'put' | 'park' | 'list-put' | 'list';
  /** `write` = read + put; Object Lock keeps what is written. */
  evidence?: 'read' | 'write';
  /**
   * Payloads by reference, `payloads/sha256/*` in the evidence bucket and nothing else of it: `read` =
   * s3:GetObject (the door's check, the stages that read the content); `write` = read + put (the upload route).
   */
  payloads?: 'read' | 'write';
  /**
   * `sign`: kms:Sign with the signing key, whose own policy refuses every role without this grant (and the
   * public key); `public-key`: kms:GetPublicKey alone, to hand the key to verifiers.
   */
  signing?: 'sign' | 'public-key';
  release?: readonly ReleaseAction[];
  /**
   * Reads service telemetry: `true`, CloudWatch metrics and the rollback alarms' states (Observe); `metrics`,
   * the metrics alone (an intent's metric series).
   */
  telemetry?: boolean | 'metrics';
  /**
   * `task-response`: SendTaskSuccess and SendTaskFailure (a review approves or rejects); `task-success`:
   * SendTaskSuccess only (a release decision always resumes the wait).
   */
  pipeline?: 'start-execution' | 'task-response' | 'task-success';
}
