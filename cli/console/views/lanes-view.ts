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
  waitingFor: string[];
  /** The seconds admission predicted it would wait when it queued: the change in its time to value. */
  predictedWaitSeconds: number | null;
  predictedCompletionAt: string | null;
  percentage: number | null;
}

/** Lanes from the in-flight intents: who releases on each, who waits behind, and the wait predicted for them. */
export function lanesOf(intents: IntentWithEntries[]): Map<string, LaneRow[]> {
  const lanes = new Map<string, LaneRow[]>();
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
    const holding = holdsLane(intent.entries);
    const awaitingReview = intent.status === 'awaiting-review';
    const requested = [...intent.entries].reverse().find((e) => e.type === 'review.requested');
    const gaveUpLane =
      awaitingReview && reviewLanePayload.safeParse(requested?.payload).data?.laneReleased !== undefined;
    // An authorised emergency keeps its lane through its review (its request names no lane given up).
    const reviewKeepsLane = awaitingReview && holding;
    const waitUntil = blocking.length > 0 ? Math.max(...blocking) : undefined;
    const row: LaneRow = {
      intent,
      lane,
      holding,
      gaveUpLane,
      reviewKeepsLane,
      awaitingChecks,
      waitingFor: gaveUpLane || reviewKeepsLane ? [] : (p.waitingFor ?? []),
      predictedWaitSeconds:
        !holding && waitUntil !== undefined
          ? Math.max(0, (waitUntil - Date.parse(admission.timestamp)) / 1000)
          : null,
      predictedCompletionAt: holding ? completionOf(intent.entries) : null,
      percentage: percentageOf(intent.entries),
    };
    lanes.set(lane, [...(lanes.get(lane) ?? []), row]);
  }
  for (const rows of lanes.values()) rows.sort((a, b) => Number(b.holding) - Number(a.holding));
  return lanes;
}

/**
 * Whether the intent holds its lane, as the core decides it, read off its ledger: its place (`INFLIGHT /
 * <intentId>`) is `admitted` from its `admission.admitted` on — through its decision, verification, CI's check
 * results, its release and a held release's decision — until Learn or RecordFailure deletes it (`intent.concluded`,
 * `stage.failed`), its review wait gives it up (`review.requested` naming `laneReleased`; an authorised emergency
 * keeps it, so names none: `requestReview`), or an emergency's preemption queues it again (`release.preempted`, which
 * goes back to AwaitLane with no admission entry until it is admitted again). Queued, scheduled and rejected
 * admissions hold none.
 */
export function holdsLane(entries: readonly LedgerEntry[]): boolean {
  const admission = entries.findLastIndex((e) => e.type.startsWith('admission.'));
  if (admission < 0 || entries[admission]!.type !== 'admission.admitted') return false;
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
  const lanes = [...lanesOf(intents).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return html`<h1>Lanes</h1>
<p>One change releases on a lane at a time; the others wait their turn. The predicted wait is what admission
predicted when the change queued: the change in its time to value.
A change waiting for CI's check results holds its lane: the others wait behind it.
A change waiting for its reviewer holds no lane: it is listed under the lane its approval will claim again.
An authorised emergency waiting for its reviewer keeps its lane: the others wait behind it.</p>
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
<td>${row.gaveUpLane ? 'its reviewer of record (holds no lane meanwhile)' : row.reviewKeepsLane ? 'its reviewer of record (holds its lane meanwhile)' : row.awaitingChecks ? html`CI's check results (holds its lane meanwhile)` : row.waitingFor.length > 0 ? row.waitingFor.map((id, k) => html`${k > 0 ? ', ' : ''}<a href="${intentHref(id)}">${id}</a>`) : '—'}</td><td class="num">${row.predictedWaitSeconds === null ? '—' : `+${duration(row.predictedWaitSeconds)}`}</td>
<td>${when(row.predictedCompletionAt)}</td></tr>`,
  )}</tbody></table></section>`,
)}
</div>`;
}
