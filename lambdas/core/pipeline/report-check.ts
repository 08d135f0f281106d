import type { StoredEntry } from '../../ports/ledger-store.js';
import type { Catalog } from '../catalog-schema.js';
import { type CheckReport, checkReportSchema, reportedCheckDetail } from '../check-report.js';
import {
  CheckReportConflictError,
  NotACheckReporterError,
  NotFoundError,
  VersionConflictError,
} from '../errors.js';
import {
  checkReportedReadPayload,
  intentConcludedPayload,
  intentDeclaredPayload,
  payloadOf,
  verificationReadPayload,
} from '../ledger/entry-payloads.js';
import type { Caller } from '../principals/caller.js';
import { delegationsHeld, isLive } from '../principals/delegations.js';
import type { RecordedDelegation } from '../principals/principal-schema.js';
import { stateKeys } from '../state-keys.js';
import { wakeForCheck } from './checks-wait.js';
import { withGrantsTo } from './delegations.js';
import { type PipelineDeps, record } from './deps.js';
import {
  type AuthorityRevocation,
  describeRevocation,
  revocationsInForce,
  voidingRevocation,
} from './revocations.js';

/**
 * Reporting a check result for an intent (`PUT /intents/{id}/checks/{name}`, `itv check report`).
 *
 * A result is written once to the state table, where Verify reads it for the checks the intent names
 * (`constraints.checks`), then recorded on the ledger as `check.reported` under a step key of its own, so a
 * retried report neither forks nor duplicates the entry. Verify counts a result reported before it runs — while
 * the intent is scheduled, queued for its lane or still being admitted — and one reported while its fail-fast gate
 * waits for it (AwaitChecks): the report then sends the park's token back (`wakeForCheck`) and Verify runs again.
 * Once Verify has concluded, or the intent concluded without it, the intent's checks are closed and a report is
 * refused, nothing written.
 */

type ReportDeps = Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'state' | 'catalog' | 'clock' | 'laneWake'>;

export interface CheckReportInput {
  intentId: string;
  check: string;
  status: CheckReport['status'];
  detail?: string;
  url?: string;
  caller: Caller;
}

export interface CheckReportOutcome {
  report: CheckReport;
  /** The `check.reported` entry. */
  seq: number;
  /** The same result was reported before: nothing new was written. */
  repeated: boolean;
  /**
   * On a repeat whose `detail` or `url` differ from the first report's: those fields, whose first values are
   * kept (a CI retry that reruns the job reports the same result with another run's link).
   */
  kept?: Array<'detail' | 'url'>;
}

/**
 * Records `input` as the intent's result of its check, as the caller. Throws `NotFoundError` (no such intent, or
 * a check it does not name), `NotACheckReporterError` (403, naming who may), `CheckReportConflictError` (409: a
 * different result came first, or Verify concluded before this one arrived).
 */
export async function reportCheck(input: CheckReportInput, deps: ReportDeps): Promise<CheckReportOutcome> {
  const entries = await deps.ledger.forIntent(deps.ledgerName, input.intentId);
  const declared = entries.find((stored) => stored.entry.type === 'intent.declared')?.entry;
  if (!declared) throw new NotFoundError(`no intent ${input.intentId} on the ledger`);
  const { intent, authority } = payloadOf(declared, intentDeclaredPayload);
  const named = namedChecks(intent);
  if (!named.includes(input.check)) {
    throw new NotFoundError(
      `intent ${input.intentId} names no check "${input.check}"; ${named.length > 0 ? `it names ${named.join(', ')}` : 'it names none'} (constraints.checks)`,
      'path.name',
    );
  }
  const service = String(intent.change?.service ?? '');
  const requester = typeof authority?.requester === 'string' ? authority.requester : undefined;
  const onBehalfOf = typeof authority?.onBehalfOf === 'string' ? authority.onBehalfOf : undefined;
  const now = deps.clock.now();
  const standing = await standingOf(input.caller.principal, { requester, onBehalfOf, service }, deps, now);
  if (standing && 'revoked' in standing) {
    throw new NotACheckReporterError(
      `${input.caller.principal} may not report checks for intent ${input.intentId}: ${describeRevocation(standing.revoked)}`,
    );
  }
  if (!standing) {
    throw new NotACheckReporterError(
      `${input.caller.principal} may not report checks for intent ${input.intentId}: only its requester${requester ? ` (${requester})` : ''}${onBehalfOf ? `, ${onBehalfOf} for whom it was made` : ''}, an owner of ${service} or a holder of a live delegation over ${service} (a CI principal the owners delegated to) may`,
    );
  }
  const report: CheckReport = checkReportSchema.parse({
    check: input.check,
    status: input.status,
    passed: input.status === 'passed',
    detail: input.detail ?? '',
    ...(input.url !== undefined ? { url: input.url } : {}),
    reportedBy: input.caller.principal,
    authenticatedAs: input.caller.authenticatedAs,
    standing: standing.standing,
    ...(standing.delegation ? { delegation: standing.delegation } : {}),
    reportedAt: now.toISOString(),
  });
  const key = stateKeys.check(input.intentId, input.check);
  const first = (await deps.state.get<CheckReport>(key.pk, key.sk))?.data;
  if (first) return recordRepeat(input, first, report, entries, deps);
  const verified = verificationOf(entries);
  if (verified) {
    throw new CheckReportConflictError(
      `intent ${input.intentId}'s checks were verified at seq ${verified.seq} (${verified.type}): a result reported now would not count, so it is not recorded`,
    );
  }
  // Concluded before Verify ran (stopped, rejected, or stopped while its gate waited for results).
  const concluded = entries.find((stored) => stored.entry.type === 'intent.concluded')?.entry;
  if (concluded) {
    const { outcome } = payloadOf(concluded, intentConcludedPayload);
    throw new CheckReportConflictError(
      `intent ${input.intentId} concluded ${outcome} at seq ${concluded.seq} before its checks were verified: a result reported now would not count, so it is not recorded`,
    );
  }
  try {
    await deps.state.put(key.pk, key.sk, report, 0);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    // Another report of this check won the write a moment before.
    const winner = (await deps.state.get<CheckReport>(key.pk, key.sk))?.data;
    if (!winner) throw error;
    return recordRepeat(input, winner, report, entries, deps);
  }
  return recordFirst(input, report, deps);
}

/** The checks the declared intent names (`constraints.checks`). */
function namedChecks(intent: Record<string, unknown>): string[] {
  const checks = (intent.constraints as { checks?: unknown } | undefined)?.checks;
  return Array.isArray(checks) ? checks.filter((check): check is string => typeof check === 'string') : [];
}

/**
 * Who may report, and why: the first standing that holds (with the delegation it rests on); the revocation that
 * took it away (the caller's authority over the service, or each live delegation it holds — revoked itself, or
 * its grantor's authority); or undefined. Revocations are read as admission, Verify and Release read them.
 */
async function standingOf(
  principal: string,
  intent: { requester?: string; onBehalfOf?: string; service: string },
  deps: Pick<ReportDeps, 'catalog' | 'state'>,
  now: Date,
): Promise<Pick<CheckReport, 'standing' | 'delegation'> | { revoked: AuthorityRevocation } | undefined> {
  const own = await revocationsInForce(principal, intent.service, deps.state, now);
  const blanket = own.find((revocation) => !revocation.delegation);
  if (blanket) return { revoked: blanket };
  if (principal === intent.requester) return { standing: 'requester' };
  if (principal === intent.onBehalfOf) return { standing: 'on-behalf-of' };
  if ((deps.catalog.services[intent.service]?.owners ?? []).includes(principal)) return { standing: 'owner' };
  const seen: Catalog = await withGrantsTo(deps.catalog, principal, deps.state);
  // The live one that lasts longest and stands (delegationsHeld sorts by expiry, newest first).
  let held: RecordedDelegation | undefined;
  let revoked: AuthorityRevocation | undefined;
  for (const delegation of delegationsHeld(seen, principal, intent.service).filter((d) => isLive(d, now))) {
    const voided = await voidingRevocation(delegation, own, intent.service, deps.state, now);
    if (!voided) {
      held = delegation;
      break;
    }
    revoked ??= voided;
  }
  if (!held) return revoked ? { revoked } : undefined;
  const { from, to, role, services, expiresAt, reason } = held;
  const grantedAt = (held as { grantedAt?: unknown }).grantedAt;
  return {
    standing: 'delegation',
    delegation: {
      from,
      to,
      role,
      services,
      expiresAt,
      ...(reason !== undefined ? { reason } : {}),
      ...(typeof grantedAt === 'string' ? { grantedAt } : {}),
    },
  };
}

/** Verify's verdict: `verification.awaiting-checks` is a wait for results, not one. */
const concludes = (type: string) => type === 'verification.passed' || type === 'verification.failed';

/** The intent's verification entry, if Verify has concluded. */
function verificationOf(entries: StoredEntry[]): { seq: number; type: string } | undefined {
  const found = entries.find((stored) => concludes(stored.entry.type))?.entry;
  return found ? { seq: found.seq, type: found.type } : undefined;
}

/** Records the first report of a check, then tells whether Verify, racing it, counted it. */
async function recordFirst(
  input: CheckReportInput,
  report: CheckReport,
  deps: ReportDeps,
): Promise<CheckReportOutcome> {
  const stored = await record(
    deps,
    input.intentId,
    'check.reported',
    report,
    `check.reported/${input.check}`,
  );
  await wakeForCheck(input.intentId, input.check, deps);
  assertCounted(
    input.intentId,
    report,
    stored.entry.seq,
    await deps.ledger.forIntent(deps.ledgerName, input.intentId),
  );
  return { report, seq: stored.entry.seq, repeated: false };
}

/**
 * A check reported before: the same result again is a retry (its entry is recorded if the first report's was
 * lost to a crash, and answered as before); another result is refused, naming the first. The result is the
 * status and who reported it: a retry whose `detail` or `url` differ (a rerun job's text and link) reports the
 * same result, so it is answered as a repeat that keeps the first report's, saying which it kept.
 */
async function recordRepeat(
  input: CheckReportInput,
  first: CheckReport,
  again: CheckReport,
  entries: StoredEntry[],
  deps: ReportDeps,
): Promise<CheckReportOutcome> {
  const same = first.status === again.status && first.reportedBy === again.reportedBy;
  if (!same) {
    throw new CheckReportConflictError(
      `check ${input.check} of intent ${input.intentId} was reported ${first.status} by ${first.reportedBy} at ${first.reportedAt}; a check's result is reported once`,
    );
  }
  const recorded = entries.find(
    (stored) =>
      stored.entry.type === 'check.reported' &&
      payloadOf(stored.entry, checkReportedReadPayload).check === input.check,
  );
  const seq =
    recorded?.entry.seq ??
    (await record(deps, input.intentId, 'check.reported', first, `check.reported/${input.check}`)).entry.seq;
  // The first report's wake may have been lost with its answer; a park that counted it waits for it no more.
  await wakeForCheck(input.intentId, input.check, deps);
  assertCounted(input.intentId, first, seq, await deps.ledger.forIntent(deps.ledgerName, input.intentId));
  const kept = (['detail', 'url'] as const).filter((field) => first[field] !== again[field]);
  return { report: first, seq, repeated: true, ...(kept.length > 0 ? { kept } : {}) };
}

/**
 * Verify reads the result before it records its verdict: a verdict whose result for the check is not this
 * report's was reached before the report arrived. The report stays recorded (the ledger keeps the order); the
 * caller learns it did not count.
 */
function assertCounted(intentId: string, report: CheckReport, seq: number, entries: StoredEntry[]): void {
  const verified = entries.find((stored) => concludes(stored.entry.type))?.entry;
  if (!verified) return;
  const results = payloadOf(verified, verificationReadPayload).results ?? [];
  const counted = results.find((result) => result.check === report.check);
  if (counted?.passed === report.passed && counted.detail === reportedCheckDetail(report)) return;
  throw new CheckReportConflictError(
    `check ${report.check} of intent ${intentId} was recorded at seq ${seq}, but Verify concluded at seq ${verified.seq} (${verified.type}) before it arrived: it did not count`,
  );
}
