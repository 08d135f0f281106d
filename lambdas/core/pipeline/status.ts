import type * as z from 'zod';
import type { LedgerEntry, StoredEntry } from '../../ports/ledger-store.js';
import { issueText } from '../errors.js';
import { valueModelSchema } from '../intent.js';
import {
  admissionPayload,
  deploymentEventReadPayload,
  intentConcludedPayload,
  intentDeclaredPayload,
  issuesPayload,
  ledgerPayloads,
  payloadOf,
  releaseEscalatedReadPayload,
  releasePreemptedReadPayload,
  releaseStoppedReadPayload,
  reviewDecidedReadPayload,
  stageFailedReadPayload,
  structureReadPayload,
  verificationReadPayload,
} from '../ledger/entry-payloads.js';
import { type AuthenticatedAs, authenticatedAsSchema } from '../principals/caller.js';
import type { ReviewerRole } from '../reviewers.js';
import { schemaUpdateMessage } from '../structure.js';
import { rolloutOf } from './rollout.js';
import { personStopReason } from './stop-reason.js';

export interface IntentStatus {
  intentId: string;
  title: string | null;
  service: string | null;
  /**
   * `awaiting-review`, `awaiting-checks` (a fail-fast gate waits for CI to report), `awaiting-decision` (a held
   * release waits for its owners), `releasing`, `registering-contract` (a schema update's release deployed nothing,
   * `release.contract-only`, and Learn registers its contract), the outcome
   * once concluded, or the last step recorded.
   */
  status: string;
  outcome: string | null;
  tier: number | null;
  timeToValueSeconds: number | null;
  valuePerHourUsd: number | null;
  /**
   * Whether `valuePerHourUsd` was realised: true once the change released, false for the figure of an intent that
   * concluded otherwise (its value model's, counted as $0 by the value report); null with no figure.
   */
  valueRealised: boolean | null;
  /** What the intent changes, as declared: the service, profile, contract version and kind; null before then. */
  change: DeclaredChangeTarget | null;
  /** `value_per_hour / employee_count` when the value model names its employees; no headcount is assumed. */
  valuePerHourPerEmployeeUsd: number | null;
  /** Why the intent did not (or not yet) release, in the requester's terms: every failed constraint, with what would pass. */
  reasons: string[];
  /**
   * The share of users the change reaches, null before any deployment reports: for a stepped release, the
   * share its step exposes (40 for a release held at 40 % of users), not its deployment's own percentage.
   */
  rolloutPercentage: number | null;
  /** The share of targets the latest deployment has reached, from its last event that says; null before any. */
  deploymentPercentage: number | null;
  /** Who requested the change (its declared `authority.requester`); null when no declaration is recorded. */
  requester: string | null;
  /** The reviewer of record's decision once one is recorded, else null: who, what, when and why. */
  review: RecordedReview | null;
  steps: Array<{ seq: number; type: string; timestamp: string }>;
}

/** The change an intent declares, without its payload. */
export interface DeclaredChangeTarget {
  service: string;
  profile: string;
  contractVersion: string;
  kind: string;
}

/** A review decision as the ledger holds it; `reason` null for an approval recorded without one. */
export interface RecordedReview {
  decision: 'approved' | 'rejected';
  reviewer: string;
  /** The capacity they decided in, where their review recorded it (reviews from earlier versions do not). */
  as?: ReviewerRole;
  decidedAt: string;
  reason: string | null;
  /** How the reviewer authenticated, as their review recorded it; null for reviews from before it was recorded. */
  authenticatedAs: AuthenticatedAs | null;
}

/** Summarizes an intent from its ledger entries alone: the ledger is the source of truth. */
export function intentStatus(intentId: string, entries: StoredEntry[]): IntentStatus | undefined {
  if (entries.length === 0) return undefined;
  const last = (type: string) =>
    [...entries].reverse().find((stored) => stored.entry.type.startsWith(type))?.entry;
  const read = <S extends z.ZodType>(type: string, schema: S): z.infer<S> | undefined => {
    const entry = last(type);
    return entry ? payloadOf(entry, schema) : undefined;
  };
  const declared = read('intent.declared', intentDeclaredPayload);
  const concluded = read('intent.concluded', intentConcludedPayload);
  const admission = read('admission.', admissionPayload);
  // A check CI reported says nothing of where the intent is: a queued intent stays `admission.queued`.
  const lastType =
    [...entries].reverse().find((stored) => stored.entry.type !== 'check.reported')?.entry.type ??
    entries[entries.length - 1]!.entry.type;
  let status = lastType;
  if (concluded) status = concluded.outcome;
  // The failure path goes on after stage.failed (monitors restored, the intent sealed): still a failure.
  else if (last('stage.failed')) status = 'failed';
  else if (last('review.requested') && !last('review.approved') && !last('review.rejected'))
    status = 'awaiting-review';
  else if (awaitingDecision(entries)) status = 'awaiting-decision';
  // Parked until CI reports the checks Verify lacks (a report records `check.reported`, skipped above).
  else if (lastType === 'verification.awaiting-checks') status = 'awaiting-checks';
  else if (preemptedSinceStart(entries)) status = 'preempted';
  // A schema update's release deploys nothing: Learn registers its contract as it concludes.
  else if (last('release.')?.type === 'release.contract-only') status = 'registering-contract';
  else if (last('release.')) status = 'releasing';
  const rollout = rolloutOf(entries);
  return {
    intentId,
    title: declared?.intent?.title ?? null,
    service: declared?.intent?.change?.service ?? null,
    status,
    outcome: concluded?.outcome ?? null,
    tier: concluded?.tier ?? admission?.tier ?? null,
    timeToValueSeconds: concluded?.timeToValueSeconds ?? null,
    valuePerHourUsd: declared ? (concluded?.valuePerHourUsd ?? null) : null,
    valueRealised:
      declared && concluded?.valuePerHourUsd !== undefined ? concluded.outcome === 'released' : null,
    change: changeTargetOf(declared?.intent?.change),
    valuePerHourPerEmployeeUsd: perEmployee(declared, concluded?.valuePerHourUsd),
    reasons: entries
      .filter((_, at) => !answeredLater(entries, at) && !supersededLater(entries, at))
      .flatMap((stored) => reasonsOf(stored.entry, entries)),
    rolloutPercentage: rollout?.usersPercentage ?? null,
    deploymentPercentage: rollout?.deploymentPercentage ?? null,
    requester: declared?.intent.authority?.requester ?? null,
    review: recordedReview(entries),
    steps: entries.map((stored) => ({
      seq: stored.entry.seq,
      type: stored.entry.type,
      timestamp: stored.entry.timestamp,
    })),
  };
}

/** The declared change's target, or null where the declaration lacks one (a refused or earlier intent). */
function changeTargetOf(change: unknown): DeclaredChangeTarget | null {
  const { service, profile, contractVersion, kind } = (change ?? {}) as Partial<Record<string, unknown>>;
  return typeof service === 'string' &&
    typeof profile === 'string' &&
    typeof contractVersion === 'string' &&
    typeof kind === 'string'
    ? { service, profile, contractVersion, kind }
    : null;
}

/** The latest review decision on the ledger, if any. */
function recordedReview(entries: StoredEntry[]): RecordedReview | null {
  const decided = [...entries]
    .reverse()
    .find(({ entry }) => entry.type === 'review.approved' || entry.type === 'review.rejected')?.entry;
  if (!decided) return null;
  const { decision, reviewer, as, decidedAt, reason, authenticatedAs } = payloadOf(
    decided,
    reviewDecidedReadPayload,
  );
  const identity = authenticatedAsSchema.safeParse(authenticatedAs);
  return {
    decision,
    reviewer,
    ...(as ? { as } : {}),
    decidedAt,
    reason: reason ?? null,
    authenticatedAs: identity.success ? identity.data : null,
  };
}

/** The recorded value per hour over the employees the declared value model names, else null. */
function perEmployee(
  declared: { intent: Record<string, unknown> } | undefined,
  valuePerHourUsd: number | undefined,
): number | null {
  const goal = declared?.intent.goal as { valueModel?: unknown } | undefined;
  const model = valueModelSchema.safeParse(goal?.valueModel);
  if (!model.success || model.data.employeeCount === undefined || valuePerHourUsd === undefined) return null;
  return valuePerHourUsd / model.data.employeeCount;
}

/** What the owners must decide once itv held a release instead of reverting it. */
const decisionNeeded = {
  freeze: 'decide the remediation of a change that must not be reverted blindly',
  'roll-forward': 'submit the fix-forward change',
} as const;

/** A request for a decision that a later decision or the wait's expiry answered: its wait is over. */
function answeredLater(entries: StoredEntry[], at: number): boolean {
  return (
    entries[at]!.entry.type === 'release.decision-requested' &&
    entries
      .slice(at + 1)
      .some(({ entry }) => entry.type === 'release.decided' || entry.type === 'release.decision-timed-out')
  );
}

/**
 * An entry that no longer says why the intent has not released: a preemption or a rollback of a deployment
 * followed by a release started anew, or a rollback that itv or an emergency asked for, which the
 * `release.stopped` or `release.preempted` entry of that deployment explains (AppConfig records any
 * StopDeployment as the user's).
 */
function supersededLater(entries: StoredEntry[], at: number): boolean {
  const { entry } = entries[at]!;
  // A person's stop that rolled the release back: `intent.stopped` names them, once, with where it rolled back from.
  if (entry.type === 'release.stopped') return stoppedReleaseOf(entries, personStopped(entries)) === entry;
  if (entry.type !== 'release.rollback-started' && entry.type !== 'release.preempted') return false;
  if (entries.slice(at + 1).some((later) => later.entry.type === 'release.started')) return true;
  if (entry.type === 'release.preempted') return false;
  const rollback = payloadOf(entry, deploymentEventReadPayload);
  if (rollback.alarm) return false;
  return entries.some(({ entry: other }) => {
    if (other.type === 'release.stopped')
      return payloadOf(other, releaseStoppedReadPayload).deploymentId === rollback.deploymentId;
    if (other.type === 'release.preempted')
      return payloadOf(other, releasePreemptedReadPayload).deploymentId === rollback.deploymentId;
    return false;
  });
}

/** The intent's `intent.stopped` payload: who stopped it, as what, and what the stop did. */
function personStopped(entries: StoredEntry[]) {
  const stopped = entries.find(({ entry }) => entry.type === 'intent.stopped')?.entry;
  return stopped ? payloadOf(stopped, ledgerPayloads['intent.stopped']) : undefined;
}

/** The `release.stopped` entry that honoured a person's stop (CheckRelease gives it the stop's reason). */
function stoppedReleaseOf(
  entries: StoredEntry[],
  stop: { by: string; reason: string } | undefined,
): LedgerEntry | undefined {
  if (!stop) return undefined;
  const reason = personStopReason(stop);
  return entries.find(
    ({ entry }) =>
      entry.type === 'release.stopped' && payloadOf(entry, releaseStoppedReadPayload).reason === reason,
  )?.entry;
}

/** How a stop's authority reads in a status line. */
const stopAuthorityWords = { requester: 'requester', owner: 'owner', 'release-steward': 'release steward' };

/** The percentage the deployment's rollback started from, from its `release.rollback-started` entry. */
function rollbackFrom(entries: StoredEntry[], deploymentId: string | undefined): number | undefined {
  const started = entries.find(
    ({ entry }) =>
      entry.type === 'release.rollback-started' &&
      payloadOf(entry, deploymentEventReadPayload).deploymentId === deploymentId,
  );
  return started ? payloadOf(started.entry, deploymentEventReadPayload).percentage : undefined;
}

/** A held release asked its owners to decide, and neither a decision nor the wait's expiry followed. */
function awaitingDecision(entries: StoredEntry[]): boolean {
  const types = entries.map((stored) => stored.entry.type);
  const asked = types.lastIndexOf('release.decision-requested');
  return (
    asked >= 0 &&
    types.lastIndexOf('release.decided') < asked &&
    types.lastIndexOf('release.decision-timed-out') < asked
  );
}

/** An emergency stopped the intent's latest deployment: it waits for its lane again, not yet released anew. */
function preemptedSinceStart(entries: StoredEntry[]): boolean {
  const types = entries.map((stored) => stored.entry.type);
  return types.lastIndexOf('release.preempted') > types.lastIndexOf('release.started');
}

/** The reasons one entry gives, composed from its recorded facts (the ledger stores facts, not sentences). */
function reasonsOf(entry: LedgerEntry, entries: StoredEntry[]): string[] {
  switch (entry.type) {
    case 'intent.incomplete':
      return (payloadOf(entry, issuesPayload).issues ?? []).map(issueText);
    case 'request.refused':
      return (payloadOf(entry, issuesPayload).issues ?? []).map((issue) => `refused: ${issueText(issue)}`);
    case 'structure.rejected':
      return (payloadOf(entry, structureReadPayload).errors ?? []).map(issueText);
    case 'structure.schema-update-required':
      return [schemaUpdateReason(payloadOf(entry, structureReadPayload))];
    case 'admission.rejected':
      return (payloadOf(entry, admissionPayload).failed ?? []).map(
        (f) => `${f.rule}: ${f.reason}${f.remedy ? ` (would pass: ${f.remedy})` : ''}`,
      );
    case 'verification.failed':
      return (payloadOf(entry, verificationReadPayload).results ?? [])
        .filter((r) => !r.passed)
        .map((r) => `check ${r.check} failed: ${r.detail}`);
    case 'review.rejected': {
      const review = payloadOf(entry, reviewDecidedReadPayload);
      return [
        `rejected by reviewer of record ${review.reviewer}${review.as === 'release-steward' ? ' (release steward, for a break-glass)' : ''}${review.reason ? `: ${review.reason}` : ''}`,
      ];
    }
    case 'intent.stopped': {
      const stopped = payloadOf(entry, ledgerPayloads['intent.stopped']);
      const as = stopped.as ? ` (${stopAuthorityWords[stopped.as]})` : '';
      let action: string = stopped.action;
      if (stopped.action === 'rolled-back') {
        const release = stoppedReleaseOf(entries, stopped);
        const from = release
          ? rollbackFrom(entries, payloadOf(release, releaseStoppedReadPayload).deploymentId)
          : undefined;
        action = `rolled back${from === undefined ? '' : ` from ${from}%`}`;
      }
      return [`stopped by ${stopped.by}${as}: ${stopped.reason} (${action} at ${stopped.stage})`];
    }
    case 'release.stopped': {
      const stopped = payloadOf(entry, releaseStoppedReadPayload);
      // Entries from earlier versions said so in a `note` instead of `completedBeforeStop`.
      const completed = stopped.completedBeforeStop ?? typeof stopped.note === 'string';
      if (completed) {
        return [
          `release stopped: ${stopped.reason} (the deployment completed before the stop reached it; a revert needs a new intent)`,
        ];
      }
      // itv called StopDeployment (for a policy breach, or for the person whose stop it honoured): say from where
      // it rolled back, which AppConfig's own event attributes to "the user".
      const from = rollbackFrom(entries, stopped.deploymentId);
      return [
        `release stopped by itv and rolled back${from === undefined ? '' : ` from ${from}%`}: ${stopped.reason}`,
      ];
    }
    case 'release.escalated': {
      const escalated = payloadOf(entry, releaseEscalatedReadPayload);
      const to = escalated.team ?? (escalated.to.join(', ') || 'the owners');
      return [`escalated to ${to}: ${escalated.reason}; ${decisionNeeded[escalated.response]}`];
    }
    case 'release.decision-requested': {
      const asked = payloadOf(entry, ledgerPayloads['release.decision-requested']);
      return [
        `held at ${asked.percentage}%: waiting until ${asked.expiresAt} for ${asked.deciders.join(', ') || 'the owners'} to decide (roll-forward, roll-back or hold)`,
      ];
    }
    case 'release.decided': {
      const decided = payloadOf(entry, ledgerPayloads['release.decided']);
      return [`${decided.decider} decided ${decided.decision}: ${decided.reason}`];
    }
    case 'release.decision-timed-out': {
      const expired = payloadOf(entry, ledgerPayloads['release.decision-timed-out']);
      return [`nobody decided by ${expired.expiresAt}: the release stays held at ${expired.percentage}%`];
    }
    case 'release.stop-refused': {
      const refused = payloadOf(entry, ledgerPayloads['release.stop-refused']);
      const next = refused.escalatedTo
        ? `escalated to ${refused.team ?? (refused.escalatedTo.join(', ') || 'the owners')}: the deployment runs on unstopped`
        : 'retrying the stop';
      return [`stop refused by AppConfig while ${refused.state}: ${refused.refusal}; ${next}`];
    }
    case 'release.monitors-restored': {
      const restored = payloadOf(entry, ledgerPayloads['release.monitors-restored']);
      return [`alarm actions restored on ${restored.alarms.join(', ')} (${restored.trigger})`];
    }
    case 'release.preempted': {
      const preempted = payloadOf(entry, releasePreemptedReadPayload);
      const minutes = Math.round(preempted.predictedTimeToValueChangeSeconds / 60);
      return [
        `preempted by emergency ${preempted.preemptedBy} (override by ${preempted.requester}): deployment ${preempted.deploymentId} rolled back, queued again at the head of ${preempted.lane}; predicted ${minutes} min later to value, $${preempted.costOfDelayUsd.toFixed(2)} cost of delay`,
      ];
    }
    case 'release.rollback-started':
      return [`rolled back: ${payloadOf(entry, deploymentEventReadPayload).description ?? ''}`.trim()];
    case 'stage.failed': {
      const failed = payloadOf(entry, stageFailedReadPayload);
      return [`stage failed: ${failed.error}: ${failed.cause}`];
    }
    default:
      return [];
  }
}

/** The schema update a change needs; entries from earlier versions recorded the sentence itself. */
function schemaUpdateReason(payload: z.infer<typeof structureReadPayload>): string {
  const { service, profile, contractVersion, missingKeys, latestContractVersion, fitsContractVersion } =
    payload;
  if (service && profile && contractVersion && missingKeys && latestContractVersion) {
    return schemaUpdateMessage({
      service,
      profile,
      contractVersion,
      missingKeys,
      latestContractVersion,
      ...(fitsContractVersion ? { fitsContractVersion } : {}),
    });
  }
  return payload.message ?? 'the contract lacks keys the payload uses';
}
