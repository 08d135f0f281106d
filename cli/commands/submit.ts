import { join } from 'node:path';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { payloadLimits } from '../../lambdas/core/intake/limits.js';
import type { PayloadRef } from '../../lambdas/core/intake/payload-ref.js';
import { canonicalJson } from '../../lambdas/core/ledger/canonical-json.js';
import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { actingAs, actingLine } from '../api/acting-as.js';
import { followOn } from '../api/follow-on.js';
import { chosenTarget, connect, type ItvApi } from '../api/itv-api.js';
import { type WaitDetails, waitDetails } from '../api/wait-details.js';
import { printApiError } from '../control-plane/api-errors.js';
import { honouringRetryAfter, waitingLine } from '../control-plane/retry-after.js';
import { type DeclaredChange, declaredChange } from '../declared-change.js';
import { exitCodeFor } from '../exit-codes.js';
import { type FollowLimit, followLimit, untilTimedOut } from '../follow-timeout.js';
import { printCliError } from '../json-errors.js';
import { nextStepLines } from './next-step.js';
import { uploadPayload } from './payload.js';
import { bodyFileLimit, readBytesFile, readIntentFile } from './read-intent-file.js';
import { printStatus } from './status.js';

/**
 * `itv submit`: `POST /intents` to the chosen stack (the home's control plane, or a deployed one's API
 * Gateway) as the caller, then follows the intent stage by stage until it settles. A resubmission of an
 * intent already on the ledger reports its status. A change scheduled for later is reported as such, with when
 * it is due: the command does not wait for that instant (`--wait` does). `--timeout` bounds the whole command: once
 * it is reached, it prints where the intent stands and exits `exitCodes.timedOut`, leaving the intent as it is.
 */
export async function submitCommand(
  file: string,
  options: { wait?: boolean; json?: boolean; as?: string; payloadFile?: string; timeout?: string },
): Promise<number> {
  const limit = followLimit(options.timeout);
  let raw = readIntentFile(file);
  // Named before anything starts; the stack checks the name (or the signature) against the catalog.
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv submit');
  const api = await connect(target);
  if (options.payloadFile) {
    // One payload or the other, never one silently for the other: checked before anything is stored.
    assertOnePayload(raw, file, options.payloadFile);
    // Uploaded first, then named by reference: the intent itself stays small whatever the content's size.
    const uploaded = await uploadPayload(api, options.payloadFile, as, '--payload-file');
    if (!uploaded.ok) return printApiError(uploaded.answer);
    raw = byReference(raw, uploaded.ref);
    (options.json ? console.error : console.log)(
      `payload ${options.payloadFile} stored: ${uploaded.ref.size} bytes, sha256 ${uploaded.ref.sha256}`,
    );
  }
  const answer = await honouringRetryAfter(
    () =>
      api.client.call<{ intentId: string; duplicate?: boolean; previousIntentId?: string }>(
        'POST',
        '/intents',
        { body: raw, ...(as ? { as } : {}) },
      ),
    // The line goes to stderr under --json, whose stdout is the status alone.
    {
      onWait: (seconds, refused) =>
        (options.json ? console.error : console.log)(waitingLine(seconds, refused)),
    },
  );
  if (answer.status >= 400) {
    const code = printApiError(answer);
    const advice = answer.status === 413 || tooLargeInline(answer.body) ? byReferenceAdvice(raw, file) : '';
    // Under --json stderr holds the error's one JSON object alone.
    if (advice && !options.json) console.error(advice);
    return code;
  }
  const { intentId } = answer.body;
  if (!options.json) console.log(actingLine(api, as));
  if (answer.body.duplicate && !options.json)
    console.log(`intent ${intentId} was already submitted; its status:`);
  if (answer.body.previousIntentId && !options.json)
    console.log(`attempt ${intentId} follows ${answer.body.previousIntentId}, which ended without releasing`);
  return followAndReport(api, intentId, {
    json: options.json ?? false,
    untilReviewed: options.wait ?? false,
    ...(limit ? { limit } : {}),
    // Under --json, whether this was a resubmission of an intent already submitted (the text says so above).
    also: { duplicate: answer.body.duplicate === true },
  });
}

/**
 * Follows a submitted (or retried) attempt stage by stage until it settles, then prints its status — why it did
 * not release, each failed rule with what would pass — and the next step; returns the exit code. `itv submit`
 * and `itv retry` share it, so a retry rejected again says why as its submission did.
 */
export async function followAndReport(
  api: ItvApi,
  intentId: string,
  options: {
    json: boolean;
    untilReviewed: boolean;
    limit?: FollowLimit;
    /** Fields printed beside the status with `--json` (`duplicate`, for a submission). */
    also?: Record<string, unknown>;
  },
): Promise<number> {
  return untilTimedOut(
    api,
    intentId,
    options.limit,
    options.json,
    async () => {
      const status = await followOn(api, intentId, {
        print: options.json ? undefined : (line) => console.log(line),
        untilReviewed: options.untilReviewed,
        ...(options.limit ? { signal: options.limit.signal } : {}),
      });
      const details = status && !options.json ? await waitDetails(api.client, status) : {};
      const declared = status && !options.json ? await declaredInFlight(api, status) : undefined;
      return report(
        status && options.json ? { ...status, ...options.also } : status,
        intentId,
        options.json,
        api.kind,
        details,
        declared,
      );
    },
    options.also,
  );
}

/**
 * An intent sent with `--payload-file` names no payload of its own but the file's: a `change.payloadRef` of its
 * own, or a `change.payload` that is not the file's content (as JSON: the same document formatted otherwise is
 * the same), is refused naming the field. The intent file still holding the very payload the file holds — what
 * an intent too large inline is told to do — is fine.
 */
function assertOnePayload(raw: unknown, intentFile: string, payloadFile: string): void {
  const change = (raw as { change?: Record<string, unknown> } | null)?.change;
  if (typeof change !== 'object' || change === null) return;
  const fix = `an intent carries one payload; remove change.payload from ${intentFile} to send the file's, or drop --payload-file`;
  if (change.payloadRef !== undefined) {
    throw new InvalidInputError('the intent file and --payload-file name two payloads', [
      {
        path: 'change.payloadRef',
        message: `already names a payload by reference: ${fix.replace('change.payload', 'change.payloadRef')}`,
      },
    ]);
  }
  if (change.payload === undefined) return;
  let content: unknown;
  try {
    content = JSON.parse(readBytesFile(payloadFile, '--payload-file', bodyFileLimit).toString('utf8'));
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    return; // not JSON: the upload refuses it, naming why
  }
  if (canonicalJson(content) !== canonicalJson(change.payload)) {
    throw new InvalidInputError('the intent file and --payload-file name two payloads', [
      {
        path: 'change.payload',
        message: `differs from the content of --payload-file ${payloadFile}: ${fix}`,
      },
    ]);
  }
}

/** The intent with `change.payload` replaced by the reference of the uploaded content. */
function byReference(raw: unknown, ref: PayloadRef): unknown {
  const intent = raw as { change?: Record<string, unknown> } | null;
  if (!intent || typeof intent.change !== 'object' || intent.change === null) {
    throw new InvalidInputError('--payload-file needs an intent with a change', [
      { path: 'change', message: 'is required to carry change.payloadRef' },
    ]);
  }
  const { payload: _inline, ...change } = intent.change;
  return { ...intent, change: { ...change, payloadRef: ref } };
}

/**
 * What to do with an intent too large to send: its payload by reference, when one AppConfig configuration version
 * can hold it (`payloadLimits.bytes`); otherwise that it cannot be released as one change at all.
 */
function byReferenceAdvice(raw: unknown, file: string): string {
  const payload = (raw as { change?: { payload?: unknown } } | null)?.change?.payload;
  if (payload === undefined) return '';
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  if (bytes <= payloadLimits.bytes) {
    return `  the payload can travel by reference: put it in a file of its own and run\n    itv submit ${file} --payload-file PAYLOAD.json`;
  }
  return `  the payload is ${bytes} bytes of JSON: over the ${payloadLimits.bytes} bytes of one AppConfig configuration version, so it cannot be released as one change, inline or by reference; split it into smaller changes`;
}

/** Whether the door refused the intent for its size alone, which a payload by reference would avoid. */
function tooLargeInline(body: unknown): boolean {
  const issues = (body as { issues?: Array<{ path: string; message: string }> }).issues ?? [];
  return issues.some((issue) => issue.path === '' && /^intent: is \d+ bytes of JSON/.test(issue.message));
}

/**
 * What an intent still in flight declared, read from its entries as `itv status` reads it, so the closing status
 * shows the value per hour it declared; undefined once it has an outcome (the status then carries the value).
 */
async function declaredInFlight(api: ItvApi, status: IntentStatus): Promise<DeclaredChange | undefined> {
  if (status.valuePerHourUsd !== null || status.outcome !== null) return undefined;
  const answer = await api.client.call<{ entries?: LedgerEntry[] }>(
    'GET',
    `/intents/${encodeURIComponent(status.intentId)}?include=entries`,
  );
  return answer.status === 200 ? declaredChange(answer.body.entries ?? []) : undefined;
}

function report(
  status: IntentStatus | undefined,
  intentId: string,
  json: boolean,
  kind: 'local' | 'deployed',
  details: WaitDetails,
  declared?: DeclaredChange,
): number {
  if (!status) {
    printCliError(
      'NothingRecorded',
      kind === 'local'
        ? `the pipeline failed before recording intent ${intentId}; see ${join(itvHome(), 'control-plane.log')}`
        : `intent ${intentId} was accepted but nothing was recorded for it within a minute; see the stack's execution ${intentId}`,
    );
    return 1;
  }
  printStatus(status, json, declared);
  const next = json ? '' : nextStepLines(status, kind, details);
  if (next) console.log(next);
  return exitCodeFor(status);
}
