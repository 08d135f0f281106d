import * as z from 'zod';
import {
  admissionLanePayload,
  exposurePercentagePayload,
  ledgerPayloads,
  releaseTimingPayload,
} from '../../../lambdas/core/ledger/entry-payloads.js';
import type { LedgerEntry } from '../../../lambdas/ports/ledger-store.js';
import { html, type Markup } from '../html.js';
import type { IntentWithEntries } from './intent-view.js';
import { intentCell, intentRowAttributes } from './intents-view.js';
import { duration, intentHref, statusBadge, when } from './parts.js';

/** `review.requested`: the lane it gave up while its review waits, absent when it kept it (an emergency). */
const reviewLanePayload = ledgerPayloads['review.requested'].pick({ laneReleased: true }).loose();
/** An emergency's `admission.admitted`: the release on its lane it preempted, when it did. */
const preemptionPayload = z.looseObject({
  nonInterference: z.looseObject({
    preemption: z.looseObject({ action: z.literal('preempted'), intentId: z.string() }),
  }),
});
/** `release.preempted`: the emergency that stopped the release. */
const preemptedByPayload = ledgerPayloads['release.preempted'].pick({ preemptedBy: true }).loose();
/** `admission.scheduled`: the instant it is due. */
const scheduledPayload = ledgerPayloads['admission.scheduled'].pick({ dueAt: true }).loose();

/** What a change that holds no lane waits for, beyond the intents its admission named. */
type Awaited =
  | { kind: 'preempted'; by: string | null }
  | { kind: 'readmission' }
  | { kind: 'scheduled'; dueAt: string | null };

/** An emergency's admission that preempted an intent: the ledger position it was recorded at, and the emergency. */
interface PreemptedBy {
  seq: number;
  by: string;
}

interface LaneRow {
  intent: IntentWithEntries;
  lane: string;
  /** Whether it holds its lane (`holdsLane`): from its admission until it ends, gives it up or is preempted. */
  holding: boolean;
  /** Waiting for its reviewer of record with its lane given up (`review.requested` `laneReleased`): it holds none. */
  gaveUpLane: boolean;
  /** Waiting for its reviewer of record with its lane kept (an authorised emergency: no `laneReleased`). */
  reviewKeepsLane: boolean;
  /** Its fail-fast gate waits for CI's check results (`awaiting-checks`): it holds its lane meanwhile. */
  awaitingChecks: boolean;
  /**
   * The intents its latest admission named as what it waits for, those still in flight: a re-check that stays
   * queued writes nothing, so the admission can name a change that has since ended.
   */
  waitingFor: string[];
  /** Named by its admission and no longer in flight. */
  ended: string[];
  /**
   * What it waits for holding no lane, when its admission names no intent: the lane back after its preemption,
   * its admission again after its approval, its scheduled window. Absent otherwise.
   */
  awaits?: Awaited;
  /** The changes holding its lane (`holding`), for one that holds none: whom it waits behind. */
  behind: string[];
  /** The seconds admission predicted it would wait when it queued: the change in its time to value. */
  predictedWaitSeconds: number | null;
  predictedCompletionAt: string | null;
  percentage: number | null;
}

/**
 * Lanes from the in-flight intents: who releases on each, who waits behind, and the wait predicted for them.
 * `complete`: `intents` are every intent in flight, so one they do not hold has ended (else only the newest).
 */
export function lanesOf(
  intents: IntentWithEntries[],
  { complete = true }: { complete?: boolean } = {},
): Map<string, LaneRow[]> {
  const lanes = new Map<string, LaneRow[]>();
  const preemptions = preemptionsOf(intents);
  const inFlight = new Set(intents.map((i) => i.intentId));
  for (const intent of intents) {
    const admission = [...intent.entries].reverse().find((e) => e.type.startsWith('admission.'));
    if (!admission) continue;
    // The console shows what the ledger holds; an admission it cannot read shows as one on no known lane.
    const p = admissionLanePayload.safeParse(admission.payload).data ?? {};
    const lane = p.lane ?? intent.service ?? '—';
    const checks = p.inFlightChecked ?? [];
    const blocking = checks.filter((c) => c.blocks).map((c) => Date.parse(c.predictedCompletionAt));
    // A wait for automation keeps the lane, as a held release's decision does: CI's check results come within hours.
    const awaitingChecks = intent.status === 'awaiting-checks';
    const preempted = preemptions.get(intent.intentId);
    const holding = holdsLane(intent.entries, preempted?.seq);
    const awaitingReview = intent.status === 'awaiting-review';
    const requested = [...intent.entries].reverse().find((e) => e.type === 'review.requested');
    const gaveUpLane =
      awaitingReview && reviewLanePayload.safeParse(requested?.payload).data?.laneReleased !== undefined;
    // An authorised emergency keeps its lane through its review (its request names no lane given up).
    const reviewKeepsLane = awaitingReview && holding;
    const waitUntil = blocking.length > 0 ? Math.max(...blocking) : undefined;
    const named = gaveUpLane || reviewKeepsLane ? [] : (p.waitingFor ?? []);
    const ended = complete ? named.filter((id) => !inFlight.has(id)) : [];
    const row: LaneRow = {
      intent,
      lane,
      holding,
      gaveUpLane,
      reviewKeepsLane,
      awaitingChecks,
      waitingFor: named.filter((id) => !ended.includes(id)),
      ended,
      ...(holding || gaveUpLane ? {} : awaitedOf(intent.entries, preempted)),
      behind: [],
      predictedWaitSeconds:
        !holding && waitUntil !== undefined
          ? Math.max(0, (waitUntil - Date.parse(admission.timestamp)) / 1000)
          : null,
      predictedCompletionAt: holding ? completionOf(intent.entries) : null,
      percentage: percentageOf(intent.entries),
    };
    lanes.set(lane, [...(lanes.get(lane) ?? []), row]);
  }
  for (const rows of lanes.values()) {
    rows.sort((a, b) => Number(b.holding) - Number(a.holding));
    const holders = rows.filter((r) => r.holding).map((r) => r.intent.intentId);
    for (const row of rows) if (!row.holding) row.behind = holders;
  }
  return lanes;
}

/**
 * The intents an emergency preempted, from the emergencies' `admission.admitted` entries: by then the core has
 * queued the preempted intent again (or, when its deployment had ended first, taken its lease away), whether or
 * not its own `release.preempted` is recorded yet — it never is for one that ended first.
 */
function preemptionsOf(intents: readonly IntentWithEntries[]): Map<string, PreemptedBy> {
  const preempted = new Map<string, PreemptedBy>();
  for (const intent of intents) {
    for (const e of intent.entries) {
      if (e.type !== 'admission.admitted') continue;
      const target = preemptionPayload.safeParse(e.payload).data?.nonInterference.preemption.intentId;
      if (target === undefined) continue;
      const known = preempted.get(target);
      if (!known || known.seq < e.seq) preempted.set(target, { seq: e.seq, by: e.intentId });
    }
  }
  return preempted;
}

/** What a change holding no lane waits for, read off its ledger after its latest admission; nothing more to say. */
function awaitedOf(
  entries: readonly LedgerEntry[],
  preempted: PreemptedBy | undefined,
): { awaits?: Awaited } {
  const admissionAt = entries.findLastIndex((e) => e.type.startsWith('admission.'));
  const admission = entries[admissionAt];
  if (admission === undefined) return {};
  if (admission.type === 'admission.scheduled') {
    const dueAt = scheduledPayload.safeParse(admission.payload).data?.dueAt ?? null;
    return { awaits: { kind: 'scheduled', dueAt } };
  }
  if (admission.type !== 'admission.admitted') return {};
  const since = entries.slice(admissionAt + 1);
  const stopped = since.findLast((e) => e.type === 'release.preempted');
  if (stopped || (preempted !== undefined && preempted.seq > admission.seq)) {
    const named = stopped ? preemptedByPayload.safeParse(stopped.payload).data?.preemptedBy : undefined;
    return { awaits: { kind: 'preempted', by: named ?? preempted?.by ?? null } };
  }
  const requested = since.findLastIndex((e) => e.type === 'review.requested');
  if (requested >= 0 && since.slice(requested + 1).some((e) => e.type === 'review.approved')) {
    return { awaits: { kind: 'readmission' } };
  }
  return {};
}

/**
 * Whether the intent holds its lane, as the core decides it, read off its ledger: its place (`INFLIGHT /
 * <intentId>`) is `admitted` from its `admission.admitted` on — through its decision, verification, CI's check
 * results, its release and a held release's decision — until Learn or RecordFailure deletes it (`intent.concluded`,
 * `stage.failed`), its review wait gives it up (`review.requested` naming `laneReleased`; an authorised emergency
 * keeps it, so names none: `requestReview`), or an emergency's preemption queues it again (`release.preempted`, which
 * goes back to AwaitLane with no admission entry until it is admitted again). The core takes the lane from the
 * preempted release when it commits the emergency's admission, before either ledger says so, and records no
 * `release.preempted` for a deployment that ended before the stop reached it: so an emergency's admission naming
 * it (`preemptedAtSeq`, the position of that entry) ends its hold too. Queued, scheduled and rejected admissions
 * hold none.
 */
export function holdsLane(entries: readonly LedgerEntry[], preemptedAtSeq?: number): boolean {
  const admission = entries.findLastIndex((e) => e.type.startsWith('admission.'));
  if (admission < 0 || entries[admission]!.type !== 'admission.admitted') return false;
  if (preemptedAtSeq !== undefined && preemptedAtSeq > entries[admission]!.seq) return false;
  return !entries
    .slice(admission + 1)
    .some(
      (e) =>
        e.type === 'intent.concluded' ||
        e.type === 'stage.failed' ||
        e.type === 'release.preempted' ||
        (e.type === 'review.requested' &&
          reviewLanePayload.safeParse(e.payload).data?.laneReleased !== undefined),
    );
}

function completionOf(entries: LedgerEntry[]): string | null {
  const entry = entries.find((e) => e.type === 'release.started');
  const started = entry && releaseTimingPayload.safeParse(entry.payload).data;
  if (!started) return null;
  const minutes = started.deploymentDurationInMinutes + started.finalBakeTimeInMinutes;
  return new Date(Date.parse(started.startedAt) + minutes * 60_000).toISOString();
}

function percentageOf(entries: LedgerEntry[]): number | null {
  for (const entry of [...entries].reverse()) {
    if (!entry.type.startsWith('release.')) continue;
    const reached = exposurePercentagePayload.safeParse(entry.payload).data;
    if (reached) return reached.percentage;
  }
  return null;
}

export function lanesView(intents: IntentWithEntries[], truncated: boolean): Markup {
  const lanes = [...lanesOf(intents, { complete: !truncated }).entries()].sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return html`<h1>Lanes</h1>
<p>One change releases on a lane at a time; the others wait their turn. The predicted wait is what admission
predicted when the change queued: the change in its time to value.
A change waiting for CI's check results holds its lane: the others wait behind it.
A change waiting for its reviewer holds no lane: it is listed under the lane its approval will claim again.
An authorised emergency waiting for its reviewer keeps its lane: the others wait behind it.
A release an emergency preempted holds its lane no more from the emergency's admission on: it waits at the head
of the lane. An approved change holds none until it is admitted again, a scheduled one none until its window.</p>
${truncated ? html`<p class="muted">Showing the newest 200 intents in flight.</p>` : ''}
<div id="lanes" data-live="5">
${lanes.length === 0 ? html`<p class="muted">Nothing is in flight.</p>` : ''}
${lanes.map(
  ([lane, rows]) => html`<section aria-labelledby="lane-${lane}"><h2 id="lane-${lane}">${lane}</h2>
<table><thead><tr><th scope="col">Intent</th><th scope="col">Status</th><th scope="col" class="num">Exposure</th>
<th scope="col">Waiting for</th><th scope="col" class="num">Predicted wait (TTV change)</th><th scope="col">Predicted done (UTC)</th></tr></thead>
<tbody>${rows.map(
    (
      row,
    ) => html`<tr${intentRowAttributes(row.intent.intentId, row.intent.title)}><td>${intentCell(row.intent.intentId, row.intent.title)}</td>
<td>${statusBadge(row.intent.status)}</td><td class="num">${row.percentage === null ? '—' : `${row.percentage}%`}</td>
<td>${waitingCell(row)}</td><td class="num">${row.predictedWaitSeconds === null ? '—' : `+${duration(row.predictedWaitSeconds)}`}</td>
<td>${when(row.predictedCompletionAt)}</td></tr>`,
  )}</tbody></table></section>`,
)}
</div>`;
}

/** The links to these intents, comma-separated. */
function intentLinks(ids: readonly string[]): Markup {
  return html`${ids.map((id, k) => html`${k > 0 ? ', ' : ''}<a href="${intentHref(id)}">${id}</a>`)}`;
}

/** What the row's change waits for: its reviewer, CI, the intents admission named, or why it holds no lane. */
function waitingCell(row: LaneRow): Markup | string {
  if (row.gaveUpLane) return 'its reviewer of record (holds no lane meanwhile)';
  if (row.reviewKeepsLane) return 'its reviewer of record (holds its lane meanwhile)';
  if (row.awaitingChecks) return html`CI's check results (holds its lane meanwhile)`;
  const awaits = row.awaits;
  if (awaits?.kind === 'preempted') {
    const others = row.behind.filter((id) => id !== awaits.by);
    const behind = others.length > 0 ? html`; behind ${intentLinks(others)}` : '';
    return awaits.by === null
      ? html`the lane back after its preemption (queued again at the head of the lane)${behind}`
      : html`${intentLinks([awaits.by])}, the emergency that preempted it (queued again at the head of the lane)${behind}`;
  }
  if (awaits?.kind === 'readmission') {
    return html`its admission again, now approved${row.behind.length > 0 ? html`: behind ${intentLinks(row.behind)}` : ''}`;
  }
  if (awaits?.kind === 'scheduled') {
    return awaits.dueAt === null ? 'its scheduled window' : `its scheduled window at ${when(awaits.dueAt)}`;
  }
  if (row.waitingFor.length > 0) return intentLinks(row.waitingFor);
  // What its admission named has ended: it waits behind who holds the lane now, or for its admission again.
  if (row.ended.length > 0 && !row.holding) {
    return row.behind.length > 0
      ? html`behind ${intentLinks(row.behind)}`
      : 'its admission again: what it waited for has ended';
  }
  return '—';
}
