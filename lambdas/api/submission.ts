import { randomBytes } from 'node:crypto';
import type { Catalog } from '../core/catalog-schema.js';
import { checkCompleteness } from '../core/completeness.js';
import { ImpersonationError, InvalidInputError } from '../core/errors.js';
import { screenIntent } from '../core/intake/screen-intent.js';
import { withGrantsTo } from '../core/pipeline/delegations.js';
import { fallbackIntentId } from '../core/pipeline/parsed-intent.js';
import { bindRequester, type Caller } from '../core/principals/index.js';
import type { Executions } from '../ports/executions.js';
import type { StateStore } from '../ports/state-store.js';

/** Step Functions execution names allow 1–80 of [A-Za-z0-9-_]. */
export function executionName(intentId: string): string {
  return intentId.replace(/[^A-Za-z0-9-_]/g, '_').slice(0, 80);
}

export interface Submission {
  raw: unknown;
  caller: Caller;
  source: 'api' | 'eventbridge' | 'cli';
  submittedAt: string;
}

export type Submitted = { intentId: string } & ({ executionId: string } | { duplicate: true });

/** The catalog, and the state store where delegations granted at run time are kept. */
export interface SubmissionDeps {
  catalog: Catalog;
  state: StateStore;
}

/**
 * The door, before anything reads the intent further: throws `InvalidInputError` naming each field over a
 * limit, and each secret by rule, path and salted digest only. Returns the salt it used.
 */
export function refuseAtTheDoor(raw: unknown): string {
  const salt = randomBytes(8).toString('hex');
  const screened = screenIntent(raw, salt);
  if (screened.issues.length > 0) {
    throw new InvalidInputError('the intent is refused before anything was recorded', screened.issues);
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
  const seen = await withGrantsTo(deps.catalog, caller.principal, deps.state);
  return bindRequester(raw, caller, seen, now);
}

/**
 * The one way an intent enters the pipeline, whoever calls: screens it at the door (`refuseAtTheDoor`), binds the requester to the authenticated caller
 * (throws `ImpersonationError` naming the field, before anything is recorded), refuses an incomplete intent
 * with `InvalidInputError` naming each field, then starts the execution named after the intent id, so a
 * resubmission is the same execution, not a second change.
 */
export async function submit(
  submission: Submission,
  executions: Executions,
  deps: SubmissionDeps,
  now: Date,
): Promise<Submitted> {
  const salt = refuseAtTheDoor(submission.raw);
  const { intent } = await bindSubmission(submission.raw, submission.caller, deps, now);
  const checked = checkCompleteness(intent, deps.catalog, salt);
  if (!checked.ok) throw new InvalidInputError('the intent is incomplete', checked.issues);
  return start(checked.intentId, intent, submission, executions);
}

/**
 * For callers nobody can answer (an event on the bus): starts the execution for any intent that passes the
 * door, so that DeclareIntent records it — declared, incomplete, or `request.refused` when it names somebody
 * else. One the door refuses (a secret, a size nothing may carry) throws `InvalidInputError` before anything
 * starts: its execution input and ledger entry would keep what must not be kept.
 */
export async function submitForTheRecord(
  submission: Submission,
  executions: Executions,
  deps: SubmissionDeps,
  now: Date,
): Promise<Submitted> {
  const salt = refuseAtTheDoor(submission.raw);
  let intent = submission.raw;
  try {
    intent = (await bindSubmission(submission.raw, submission.caller, deps, now)).intent;
  } catch (error) {
    // DeclareIntent binds again, and records the refusal with its reason.
    if (!(error instanceof ImpersonationError)) throw error;
  }
  const checked = checkCompleteness(intent, deps.catalog, salt);
  return start(checked.ok ? checked.intentId : fallbackIntentId(intent), intent, submission, executions);
}

async function start(
  intentId: string,
  intent: unknown,
  submission: Submission,
  executions: Executions,
): Promise<Submitted> {
  const started = await executions.start(executionName(intentId), {
    intent,
    source: submission.source,
    submittedAt: submission.submittedAt,
    caller: submission.caller,
  });
  return started === 'duplicate' ? { intentId, duplicate: true } : { intentId, ...started };
}
