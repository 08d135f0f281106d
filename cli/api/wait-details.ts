import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { isSettled, scheduledStatus } from '../exit-codes.js';
import type { ApiClient } from './itv-api.js';

/** What an intent that waits is waiting on, as its newest entries that say name it. */
export interface WaitDetails {
  /** The instant a scheduled intent is due at (`admission.scheduled`). */
  dueAt?: string;
  /** Who may review it (`review.requested`; absent on entries written before it was recorded). */
  reviewers?: string[];
  /** The lane it gave up to wait for its review (`review.requested`; absent on entries written before it did). */
  laneReleased?: string;
  /** The checks its fail-fast gate still waits for, and until when (`verification.awaiting-checks`). */
  checks?: string[];
  checksDeadline?: string;
  /** The owners who may decide a held release, and when the wait ends (`release.decision-requested`). */
  deciders?: string[];
  decisionExpiresAt?: string;
  /** A queued intent's lane and the intents it queued behind (`admission.queued`). */
  lane?: string;
  queuedBehind?: QueuedBehind[];
}

/** An intent a queued one waits for: how the two overlap and, once read, where it stands and what it waits for. */
export interface QueuedBehind {
  intentId: string;
  /** Whether it holds the same lane; else `services` are those both change. */
  sameLane: boolean;
  services: string[];
  status?: IntentStatus;
  details?: WaitDetails;
}

interface EntryLike {
  type: string;
  payload?: Record<string, unknown>;
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;

/** The wait details an intent's entries give, from the newest entry of each kind. */
export function waitDetailsOf(entries: readonly EntryLike[]): WaitDetails {
  const newest = (type: string) => entries.filter((entry) => entry.type === type).at(-1)?.payload;
  const scheduled = newest(scheduledStatus);
  const review = newest('review.requested');
  const awaiting = newest('verification.awaiting-checks');
  const decision = newest('release.decision-requested');
  const queued = newest(queuedStatus);
  const behind = queued ? queuedBehindOf(queued) : [];
  return {
    ...(typeof scheduled?.dueAt === 'string' ? { dueAt: scheduled.dueAt } : {}),
    ...(strings(review?.reviewers) ? { reviewers: strings(review?.reviewers) } : {}),
    ...(typeof review?.laneReleased === 'string' ? { laneReleased: review.laneReleased } : {}),
    ...(strings(awaiting?.missing) ? { checks: strings(awaiting?.missing) } : {}),
    ...(typeof awaiting?.deadline === 'string' ? { checksDeadline: awaiting.deadline } : {}),
    ...(strings(decision?.deciders) ? { deciders: strings(decision?.deciders) } : {}),
    ...(typeof decision?.expiresAt === 'string' ? { decisionExpiresAt: decision.expiresAt } : {}),
    ...(typeof queued?.lane === 'string' ? { lane: queued.lane } : {}),
    ...(behind.length > 0 ? { queuedBehind: behind } : {}),
  };
}

/** The blockers an `admission.queued` entry names, with how each overlaps; by id alone where it says no more. */
function queuedBehindOf(payload: Record<string, unknown>): QueuedBehind[] {
  const blockers = (payload.nonInterference as { blockers?: unknown } | undefined)?.blockers;
  if (Array.isArray(blockers)) {
    return blockers.flatMap(
      (blocker: { intentId?: unknown; overlap?: { lane?: unknown; services?: unknown } }) =>
        typeof blocker?.intentId === 'string'
          ? [
              {
                intentId: blocker.intentId,
                sameLane: blocker.overlap?.lane === true,
                services: strings(blocker.overlap?.services) ?? [],
              },
            ]
          : [],
    );
  }
  return (strings(payload.waitingFor) ?? []).map((intentId) => ({ intentId, sameLane: false, services: [] }));
}

/** The status of an intent queued for its lane. */
export const queuedStatus = 'admission.queued';
const waits = new Set([
  'awaiting-review',
  'awaiting-checks',
  'awaiting-decision',
  scheduledStatus,
  queuedStatus,
]);
/** The blockers of a queued intent read one by one: a queue names few, and a status need not list a crowd. */
const blockersRead = 5;
/**
 * How far a chain of intents queued one behind the next is read. Admission queues an intent behind those holding
 * or queued for its lane, so chains are short; one longer than this is followed on rather than read to its end.
 */
const chainRead = 8;

/**
 * What an intent waits on, read from its entries when its status is a wait; nothing otherwise. For a queued
 * intent, each intent it queued behind is read too (where it stands, and what it waits for), and so on down the
 * chain of blockers — an intent queued behind one itself queued behind a review waits for that review — up to
 * `chainRead` intents deep, never reading an intent already on the chain again (`within`).
 */
export async function waitDetails(
  client: Pick<ApiClient, 'call'>,
  status: IntentStatus,
  within: readonly string[] = [],
): Promise<WaitDetails> {
  if (!waits.has(status.status)) return {};
  const answer = await client.call<{ entries?: EntryLike[] }>(
    'GET',
    `/intents/${encodeURIComponent(status.intentId)}?include=entries`,
  );
  if (answer.status !== 200) return {};
  const details = waitDetailsOf(answer.body.entries ?? []);
  const chain = [...within, status.intentId];
  if (!details.queuedBehind || chain.length >= chainRead) return details;
  const behind = await Promise.all(
    details.queuedBehind.slice(0, blockersRead).map(async (blocker): Promise<QueuedBehind> => {
      if (chain.includes(blocker.intentId)) return blocker;
      const read = await client.call<IntentStatus>('GET', `/intents/${encodeURIComponent(blocker.intentId)}`);
      if (read.status !== 200) return blocker;
      return { ...blocker, status: read.body, details: await waitDetails(client, read.body, chain) };
    }),
  );
  return { ...details, queuedBehind: [...behind, ...details.queuedBehind.slice(blockersRead)] };
}

/**
 * Whether a command following an intent can stop: it has settled (`isSettled`), or — unless `--wait` follows
 * on through people's acts — it is queued for its lane behind intents that each wait for a person (a review, a
 * decision, CI's checks, a due instant), directly or through intents themselves queued behind such, so it cannot
 * move until somebody acts, which may be days away. It is then where a person's wait leaves it, and the command
 * says whose act frees it. A chain not read to its end (too deep, looping, unreadable) is followed on.
 */
export async function canStopFollowing(
  client: Pick<ApiClient, 'call'>,
  status: IntentStatus,
  options: { untilReviewed: boolean },
): Promise<boolean> {
  if (isSettled(status, options)) return true;
  if (options.untilReviewed || status.status !== queuedStatus) return false;
  return waitsOnPeople((await waitDetails(client, status)).queuedBehind ?? []);
}

/**
 * Whether every blocker, read, waits for a person or is queued behind blockers that all do. One waiting for its
 * reviewer that gave its lane up for the wait (`laneReleased`) blocks nobody: the queued intent is admitted at its
 * next re-check, so it is followed on.
 */
function waitsOnPeople(behind: readonly QueuedBehind[]): boolean {
  return (
    behind.length > 0 &&
    behind.every(({ status: blocker, details }) => {
      if (blocker === undefined || blocker.outcome !== null || blocker.status === 'failed') return false;
      if (gaveUpItsPlace(blocker, details)) return false;
      if (blocker.status === queuedStatus) return waitsOnPeople(details?.queuedBehind ?? []);
      return isSettled(blocker, { untilReviewed: false });
    })
  );
}

/**
 * Whether a blocker waits for its reviewer having given up its lane and blast radius for the wait (its
 * `review.requested` says `laneReleased`): those queued behind it are woken and admitted without it. A review
 * requested before the wait gave the lane up held it, and still blocks.
 */
export const gaveUpItsPlace = (status: Pick<IntentStatus, 'status'>, details: WaitDetails | undefined) =>
  status.status === 'awaiting-review' && details?.laneReleased !== undefined;
