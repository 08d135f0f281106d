/**
 * One error class per failure, each with a stable `name`: Step Functions Retry/Catch match on it.
 */
export class ItvError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A field of the input is missing or malformed; `issues` name each field and the reason. */
export class InvalidInputError extends ItvError {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

/**
 * An issue as one line: `path: message`, or the message alone when it names its field first already (`change.service
 * "nope" is not in the service catalog`) or has no field (a whole-body issue).
 */
export function issueText(issue: { path: string; message: string }): string {
  const { path, message } = issue;
  if (path === '' || message.startsWith(`${path} `) || message.startsWith(`${path}: `)) return message;
  return `${path}: ${message}`;
}

/** A transient dependency failure (throttling, network); the state machine retries it. */
export class TransientError extends ItvError {}

/**
 * The runtime already runs as many executions as it may (HTTP 429): nothing was started or recorded, and the
 * caller tries again after `retryAfterSeconds`.
 */
export class ExecutionCapacityError extends ItvError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A conditional write lost a race; the caller re-reads and tries again. */
export class VersionConflictError extends ItvError {}

/** Another deployment runs in the environment (AWS AppConfig ConflictException). */
export class LaneBusyError extends ItvError {}

/** The local runtime parks an execution that waits for a reviewer of record. */
export class ReviewPendingError extends ItvError {}

/** A reviewer of record rejected the intent. */
export class ReviewRejectedError extends ItvError {}

/** The ledger failed verification; `seq` is the first bad entry. */
export class LedgerIntegrityError extends ItvError {
  constructor(
    message: string,
    readonly seq: number,
  ) {
    super(message);
  }
}

/** A configuration value (environment variable, catalog entry) is missing or malformed. */
export class ConfigurationError extends ItvError {}

/** A write-once evidence object already holds different bytes. */
export class EvidenceConflictError extends ItvError {}

/**
 * A stored evidence object is not what was written under its key: its bytes no longer hash to the SHA-256 the
 * key records (the local store checks on every read). The message names the key, and so does `key` where one
 * object is to blame.
 */
export class EvidenceIntegrityError extends ItvError {
  readonly key: string | undefined;

  constructor(message: string, options: { key?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.key = options.key;
  }
}

/** A key was written, but the object it names is gone from the store: deleted after it was written. */
export class EvidenceMissingError extends EvidenceIntegrityError {}

/**
 * The payload an intent names by reference is not what the reference says: its bytes do not hash to the
 * SHA-256 named, or are not the size named, or are not a JSON object. A stage that reads the payload stops
 * rather than release, validate or judge other content than was declared.
 */
export class PayloadIntegrityError extends ItvError {}

/** No payload is stored under the digest an intent names (`change.payloadRef.sha256`). */
export class PayloadMissingError extends PayloadIntegrityError {}

/** The request names something that does not exist (HTTP 404): an intent, a bundle, a delegation. */
export class NotFoundError extends ItvError {
  constructor(
    message: string,
    /** The request's part that names what was not found: `path.id` unless said otherwise. */
    readonly field = 'path.id',
  ) {
    super(message);
  }
}

/** The caller is authenticated but may not do what it asked (HTTP 403); each subclass names one reason. */
export class AccessRefusedError extends ItvError {}

/**
 * A principal who is not an owner of the service tried to decide what a held release of it does next, or to
 * delegate it; `issues` name each service the request named that the caller does not own (`services[1]`).
 */
export class NotAServiceOwnerError extends AccessRefusedError {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

/**
 * The request does not prove who is calling (HTTP 401): no identity, or one that resolves to no catalog
 * principal. `challenge` is the authentication scheme the entry point takes (the `WWW-Authenticate` value).
 */
export class UnauthenticatedError extends ItvError {
  constructor(
    message: string,
    readonly challenge: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** An authenticated identity (e.g. an IAM ARN) that no catalog principal claims: nobody itv knows (401). */
export class UnknownCallerError extends UnauthenticatedError {}

/** The requester of a change tried to act as its reviewer of record (separation of duties). */
export class SeparationOfDutiesError extends AccessRefusedError {}

/** A principal that is not a reviewer of record for the service tried to review a change to it. */
export class IneligibleReviewerError extends AccessRefusedError {}

/** The request names someone other than the caller, and no recorded delegation lets the caller act for them. */
export class ImpersonationError extends AccessRefusedError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** A delegation may be revoked by its grantor alone, as only its grantor may grant it. */
export class NotTheGrantorError extends AccessRefusedError {}

/**
 * A stage found a stop request for its intent (`itv stop`, `POST /intents/{id}/stop`): the state machine's Catch
 * takes it to Learn, which concludes the intent `stopped`. Not a failure, so no Retry matches it.
 */
export class IntentStoppedError extends ItvError {}

/**
 * The authority an intent relied on was revoked after it was verified (its requester's, a delegation it relied on,
 * or that delegation's grantor's): StartRelease deploys nothing, and the state machine's Catch records the
 * failure naming the revocation. Not transient, so no Retry matches it.
 */
export class AuthorityRevokedError extends ItvError {}

/** The caller may not control this intent: neither its requester nor an owner of its service (HTTP 403). */
export class NotInControlError extends AccessRefusedError {}

/**
 * The caller may not report check results for this intent: not its requester, the person it acts for, an owner
 * of its service, nor a holder of a live delegation over the service (HTTP 403).
 */
export class NotACheckReporterError extends AccessRefusedError {}

/**
 * A check result that cannot count (HTTP 409): another result was reported for the check first, or the intent's
 * Verify stage has concluded, so the result would change nothing.
 */
export class CheckReportConflictError extends ItvError {}

/**
 * A grant of a delegation that was revoked (the same grantee, grantor and expiry): a revocation is for good, so
 * granting it again would answer as if it took effect while the revocation still holds it void (HTTP 409).
 */
export class DelegationRevokedError extends ItvError {}

/**
 * A grant of a delegation that is already granted (the same grantee, grantor and expiry) with other terms: a
 * live delegation keeps the terms it was granted with, so a grant cannot widen one in place (HTTP 409).
 */
export class DelegationExistsError extends ItvError {}

/**
 * An intent id submitted again with other content while the change it names stands (HTTP 409 naming `id`): it
 * would be answered as a duplicate of a change it is not, and its own content would never run.
 */
export class IntentIdConflictError extends ItvError {
  readonly field = 'id';
}
