import { createHash, randomBytes } from 'node:crypto';
import type { Catalog } from '../core/catalog-schema.js';
import { checkCompleteness } from '../core/completeness.js';
import { ImpersonationError, InvalidInputError } from '../core/errors.js';
import { screenIntent } from '../core/intake/screen-intent.js';
import { screenPayloadRef } from '../core/intake/screen-payload-ref.js';
import type { Intent } from '../core/intent.js';
import { chooseAttempt, refuseAnotherRequestersId, refuseOtherContent } from '../core/pipeline/attempts.js';
import { delegationsSeenBy } from '../core/pipeline/delegations.js';
import { fallbackIntentId } from '../core/pipeline/parsed-intent.js';
import { assertMayRetry } from '../core/pipeline/run-again.js';
import { bindRequester, type Caller, serviceOf } from '../core/principals/index.js';
import type { Executions } from '../ports/executions.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { PayloadStore } from '../ports/payload-store.js';
import type { StateStore } from '../ports/state-store.js';

/**
 * The execution name of the run `runId`: SHA-256 of the id decides, so two ids never share a name (replacing the
 * characters Step Functions forbids and cutting to its 80 would make `a.b` and `a:b` one execution); a readable
 * head of the id lets an operator spot it in the console. At most 15 + 1 + 64 = 80 of [A-Za-z0-9_-].
 */
export function executionName(runId: string): string {
  const head = runId.replace(/[^A-Za-z0-9-_]/g, '_').slice(0, 15);
  return `${head}-${createHash('sha256').update(runId, 'utf8').digest('hex')}`;
}

export interface Submission {
  raw: unknown;
  caller: Caller;
  source: 'api' | 'eventbridge' | 'cli';
  submittedAt: string;
  /** The event's id for a bus delivery: a redelivery of it starts what the first delivery started. */
  deliveryId?: string;
}

export type Submitted = { intentId: string } & (
  | { executionId: string; previousIntentId?: string }
  | { duplicate: true }
);

/** The catalog, and the state store where delegations granted at run time are kept. */
export interface SubmissionDeps {
  catalog: Catalog;
  state: StateStore;
}

/** What starting an intent reads besides: the ledger, to tell whether its current attempt ended unreleased. */
export interface IntakeDeps extends SubmissionDeps {
  /** Read only: whether an intent's attempt ended unreleased. */
  ledger: Pick<LedgerStore, 'forIntent'>;
  ledgerName: string;
}

/** What the door reads besides, for a submission: the payload store, to check a payload by reference. */
export interface DoorDeps extends IntakeDeps {
  payloads: Pick<PayloadStore, 'get'>;
}

/**
 * The door, before anything reads the intent further: throws `InvalidInputError` naming each field over a
 * limit, and each secret by rule, path and salted digest only; a payload by reference must be stored, of the
 * size and SHA-256 named, and pass the same checks (`screenPayloadRef`). Returns the salt it used.
 */
export async function refuseAtTheDoor(raw: unknown, payloads: Pick<PayloadStore, 'get'>): Promise<string> {
  const salt = randomBytes(8).toString('hex');
  const screened = screenIntent(raw, salt);
  const issues = screened.issues.length > 0 ? screened.issues : await screenPayloadRef(raw, payloads, salt);
  if (issues.length > 0) {
    throw new InvalidInputError('the intent is refused before anything was recorded', issues);
  }
  return salt;
}

/**
 * The submitted intent with its requester bound to the caller (`bindRequester`), seeing the delegations the
 * catalog records and those granted at run time: every entry point binds through this.
 */
export async function bindSubmission(
  raw: unknown,
  caller: Caller,
  deps: SubmissionDeps,
  now: Date,
): Promise<ReturnType<typeof bindRequester>> {
  const { catalog, voided } = await delegationsSeenBy(
    deps.catalog,
    caller.principal,
    serviceOf(raw),
    deps.state,
    now,
  );
  return bindRequester(raw, caller, catalog, now, voided);
}

/**
 * The one way an intent enters the pipeline, whoever calls: screens it at the door (`refuseAtTheDoor`), binds the requester to the authenticated caller
 * (throws `ImpersonationError` naming the field, before anything is recorded), refuses an incomplete intent
 * with `InvalidInputError` naming each field, then starts the execution named after the intent's attempt, so
 * a resubmission is the same execution, not a second change (a new attempt once the last ended unreleased).
 */
export async function submit(
  submission: Submission,
  executions: Executions,
  deps: DoorDeps,
  now: Date,
): Promise<Submitted> {
  const salt = await refuseAtTheDoor(submission.raw, deps.payloads);
  const { intent } = await bindSubmission(submission.raw, submission.caller, deps, now);
  const checked = checkCompleteness(intent, deps.catalog, salt, now);
  if (!checked.ok) throw new InvalidInputError('the intent is incomplete or malformed', checked.issues);
  await refuseAnotherRequestersId(checked.intentId, checked.intent.authority.requester, deps);
  return start(checked.intentId, intent, submission, executions, deps, { content: checked.intent });
}

/** The requester an intent names, if it names one (an event's intent may be incomplete). */
function requesterNamed(intent: unknown): string | undefined {
  const requester = (intent as { authority?: { requester?: unknown } } | null)?.authority?.requester;
  return typeof requester === 'string' ? requester : undefined;
}

/**
 * For callers nobody can answer (an event on the bus): starts the execution for any intent that passes the
 * door, so that DeclareIntent records it — declared, incomplete, or `request.refused` when it names somebody
 * else. One the door refuses (a secret, a size nothing may carry) throws `InvalidInputError` before anything
 * starts: its execution input and ledger entry would keep what must not be kept. One under an id that is
 * another requester's change throws `ImpersonationError` (naming `id`): its record would join their history.
 */
export async function submitForTheRecord(
  submission: Submission,
  executions: Executions,
  deps: DoorDeps,
  now: Date,
): Promise<Submitted> {
  const salt = await refuseAtTheDoor(submission.raw, deps.payloads);
  let intent = submission.raw;
  try {
    intent = (await bindSubmission(submission.raw, submission.caller, deps, now)).intent;
  } catch (error) {
    // DeclareIntent binds again, and records the refusal with its reason.
    if (!(error instanceof ImpersonationError)) throw error;
  }
  const checked = checkCompleteness(intent, deps.catalog, salt, now);
  const intentId = checked.ok ? checked.intentId : fallbackIntentId(intent);
  // Complete or not, bound or not: whatever DeclareIntent records goes under this id, so it must be theirs.
  await refuseAnotherRequestersId(intentId, requesterNamed(intent), deps);
  return start(intentId, intent, submission, executions, deps, checked.ok ? { content: checked.intent } : {});
}

/**
 * Starts the intent's current attempt, or its next one when the current ended without releasing; the execution
 * name is the attempt's, so every other submission of it is answered as a duplicate — of the same change only:
 * `content` (the intent as parsed) that differs from what the run declared is refused (`refuseOtherContent`).
 * `retriedBy`: the person who asked for the attempt (`POST /intents/{id}/retry`), recorded with it.
 */
export async function start(
  intentId: string,
  intent: unknown,
  submission: Submission,
  executions: Executions,
  deps: IntakeDeps,
  options: { content?: Intent; retriedBy?: Caller } = {},
): Promise<Submitted> {
  const { retriedBy } = options;
  // Whoever runs it again is judged as a retry is, before the next attempt is claimed.
  const runsAgain = retriedBy ?? submission.caller;
  const chosen = await chooseAttempt(intentId, submission.deliveryId, deps, (runId, entries) =>
    assertMayRetry(runId, entries, runsAgain, deps, retriedBy ? 'retry' : 'submission'),
  );
  const { runId } = chosen;
  if (options.content !== undefined) await refuseOtherContent(runId, options.content, deps);
  const attempt = chosen.attempt && retriedBy ? { ...chosen.attempt, retriedBy } : chosen.attempt;
  const started = await executions.start(
    { name: executionName(runId), intentId: runId },
    {
      intent,
      source: submission.source,
      submittedAt: submission.submittedAt,
      caller: submission.caller,
      ...(attempt ? { attempt } : {}),
    },
  );
  return started === 'duplicate'
    ? { intentId: runId, duplicate: true }
    : { intentId: runId, ...started, ...(attempt ? { previousIntentId: attempt.previousIntentId } : {}) };
}
