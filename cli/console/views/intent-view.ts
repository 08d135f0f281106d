import * as z from 'zod';
import type { Catalog } from '../../../lambdas/core/catalog-schema.js';
import {
  deploymentProgressPayload,
  ledgerPayloads,
  signedPayload,
} from '../../../lambdas/core/ledger/entry-payloads.js';
import {
  recordedStop,
  retryableOutcomes,
  retryVerdict,
} from '../../../lambdas/core/pipeline/retry-intent.js';
import { exposureOf, usersExposed } from '../../../lambdas/core/pipeline/rollout.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';
import {
  type ControlVerdict,
  controlVerdict,
  stopReasonMaxLength,
} from '../../../lambdas/core/pipeline/stop-intent.js';
import { identityText } from '../../../lambdas/core/principals/caller.js';
import { DECISION_PAYLOAD_TYPE } from '../../../lambdas/core/signing/payload-types.js';
import { verifyEnvelope } from '../../../lambdas/core/signing/verify-envelope.js';
import type { LedgerEntry } from '../../../lambdas/ports/ledger-store.js';
import type { MetricSeries } from '../../../lambdas/ports/releaser.js';
import type { RetriedAs } from '../../api/next-attempt.js';
import { type DeclaredChange, declaredChange, payloadText } from '../../declared-change.js';
import { type LinePoint, lineChart } from '../charts.js';
import { html, type Markup } from '../html.js';
import { duration, intentHref, notice, statusBadge, statusTone, usd, when } from './parts.js';

/** `GET /intents/{id}?include=metrics`: the service's monitored metrics over the release, null before one. */
export interface IntentMetrics {
  service: string;
  from: string;
  to: string;
  series: MetricSeries[];
}

export type IntentWithEntries = IntentStatus & { entries: LedgerEntry[]; metrics?: IntentMetrics | null };

export interface IntentViewOptions {
  /** The ledger's public key (SPKI DER) as the API serves it: the decision's signature is checked with it. */
  publicKeySpkiDer?: Uint8Array;
  /** The hidden field of forms that change something (`ConsoleSession.formToken`). */
  formToken: string;
  /** The answer of the last action taken from this page. */
  flash?: Flash;
  /** The attempt that ran this concluded intent again, when one did. */
  retriedAs?: RetriedAs;
  /** The catalog principal the console acts as, where it is named (locally); on a deployed stack, unknown. */
  actingPrincipal?: string;
  /**
   * The catalog the API decides with, where the console knows it (locally): with `actingPrincipal`, Stop and
   * Retry are offered only to whom the API's rule lets act, and others read who may instead.
   */
  catalog?: Catalog;
}

/** The answer of an action taken from a page; a retry's names the attempt it started. */
export interface Flash {
  kind: 'ok' | 'bad';
  text: string;
  attempt?: string;
}

export type { RetriedAs } from '../../api/next-attempt.js';

/*
 * What this page reads of each payload, through the writers' schemas (`ledgerPayloads`), narrowed to the fields
 * it shows and loosened where entries written by earlier versions lack one. The console shows what the ledger
 * holds: a payload it cannot read is shown as one that says nothing (`—`), never taken on trust.
 */

/** `intent.declared`: who requested the change. */
const declaredAuthorityPayload = z.looseObject({
  authority: ledgerPayloads['intent.declared'].shape.authority.pick({ requester: true }).loose().optional(),
});
/** `intent.concluded`: its outcome. */
const concludedOutcomePayload = ledgerPayloads['intent.concluded'].pick({ outcome: true }).loose();
/** A deployment event: what AppConfig said of it. */
const describedPayload = ledgerPayloads['release.deployment-started'].pick({ description: true }).loose();
/** `review.approved` / `review.rejected`: who decided, and why. */
const reviewerPayload = ledgerPayloads['review.approved']
  .pick({ reviewer: true, reason: true, authenticatedAs: true })
  .loose();
/** `release.stopped`: why itv stopped it. */
const stoppedReasonPayload = ledgerPayloads['release.stopped'].pick({ reason: true }).loose();
/** `release.contract-only`: the contract a schema update's release registers, deploying nothing. */
const contractOnlyPayload = ledgerPayloads['release.contract-only']
  .pick({ service: true, profile: true, contractVersion: true })
  .loose();
/** `review.requested`: by whom, at which tier, and who may decide it (absent on entries written before). */
const reviewRequestedPayload = ledgerPayloads['review.requested']
  .pick({ requester: true, tier: true, reviewers: true })
  .partial()
  .loose();
type ReviewRequested = z.infer<typeof reviewRequestedPayload>;
/** `admission.*`: the policy evaluation rule by rule, and the risk it scored. */
const admissionShape = ledgerPayloads['admission.admitted'].shape;
const policyEvaluationPayload = ledgerPayloads['admission.admitted']
  .pick({ policySetHash: true, confidence: true })
  .extend({
    evaluationLog: z.array(
      admissionShape.evaluationLog.element
        .pick({ rule: true, domain: true, status: true, reason: true, remedy: true })
        .loose(),
    ),
    riskFactors: z.array(admissionShape.riskFactors.element.loose()),
  })
  .partial()
  .loose();
/** `decision.reused`: the decision reused (entries written before named it `cachedDecisionId`). */
const reusedDecisionPayload = ledgerPayloads['decision.reused']
  .pick({ decisionId: true })
  .extend({ cachedDecisionId: z.string() })
  .partial()
  .loose();
/** `decision.signed`: its id and digest; the envelope is read as `signedPayload`, untrusted, and verified. */
const signedDecisionPayload = ledgerPayloads['decision.signed']
  .pick({ decisionId: true, digest: true })
  .partial()
  .loose();
/** Any `release.*` entry that says how far the change had gone at an instant: a deployment event, or a hold. */
const releasePointPayload = ledgerPayloads['release.frozen'].pick({ at: true, percentage: true }).loose();
/** `release.rollback-started`: when, and the alarm that rolled it back, if one did. */
const rollbackPayload = ledgerPayloads['release.rollback-started'].pick({ at: true, alarm: true }).loose();
/** `observation.recorded`: each SLO's baseline and observed value over its window. */
const snapshotShape = ledgerPayloads['observation.recorded'].shape.snapshot;
const observationPayload = z.looseObject({
  snapshot: snapshotShape
    .pick({ windowStart: true, windowEnd: true })
    .extend({
      slos: z.array(
        snapshotShape.shape.slos.element
          .pick({ name: true, objective: true, observed: true, baseline: true })
          .loose(),
      ),
    })
    .loose(),
});
/** `release.started`: the strategy, its rollout and bake. */
const releaseStartedPayload = ledgerPayloads['release.started']
  .pick({ strategy: true, deploymentDurationInMinutes: true, finalBakeTimeInMinutes: true })
  .partial()
  .loose();
type ReleaseStarted = z.infer<typeof releaseStartedPayload>;

/** The fields `schema` reads of `entry`'s payload; undefined without an entry or when they do not parse. */
const read = <S extends z.ZodType>(entry: LedgerEntry | undefined, schema: S): z.infer<S> | undefined =>
  entry ? schema.safeParse(entry.payload).data : undefined;
const lastOf = (entries: LedgerEntry[], test: (type: string) => boolean) =>
  [...entries].reverse().find((entry) => test(entry.type));

/**
 * One intent: what it is, the policy's verdict rule by rule, the signed decision, the review a reviewer of
 * record can give here, the rollout drawn over time with its alarms, and every ledger step.
 */
export function intentView(intent: IntentWithEntries, options: IntentViewOptions): Markup {
  const declared = read(
    intent.entries.find((e) => e.type === 'intent.declared'),
    declaredAuthorityPayload,
  );
  const requester = declared?.authority?.requester;
  const change = declaredChange(intent.entries);
  const live = intent.outcome === null;
  return html`<p><a href="/">← Intents</a></p>
${options.flash ? flashNotice(options.flash) : ''}
<div id="intent-live"${live ? html` data-live="3"` : ''}>
<h1>${intent.title ?? intent.intentId} ${statusBadge(intent.status)}</h1>
<div class="grid">
${figure('Intent', intent.intentId, 'id')}${figure('Service', intent.service ?? '—')}${figure('Requester', requester ?? '—')}
${figure('Tier', intent.tier === null ? '—' : String(intent.tier))}${valueFigures(intent, change)}${figure('Time to value', duration(intent.timeToValueSeconds))}
</div>
${options.retriedAs ? retriedPanel(options.retriedAs) : ''}
${contractOnlyPanel(intent)}
${change ? changePanel(change) : ''}
${reviewPanel(intent, change, options)}
${controlPanel(intent, options)}
${intent.reasons.length > 0 ? html`<h2>Why it did not (or not yet) release</h2><ul>${intent.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
${policyPanel(intent.entries)}
${decisionPanel(intent.entries, options.publicKeySpkiDer)}
${rolloutPanel(intent.entries, intent.metrics ?? undefined)}
<h2>Timeline</h2>
<ol class="timeline">${intent.entries.map(
    (entry) =>
      html`<li class="${stepTone(entry)}"><strong>${entry.type}</strong> <span class="muted">seq ${entry.seq} · ${when(entry.timestamp)}</span>${stepDetail(entry)}</li>`,
  )}</ol>
<p>${intent.outcome ? html`<a href="${intentHref(intent.intentId, '/evidence')}">Evidence bundle</a>` : html`<span class="muted">The evidence bundle is sealed when the intent concludes.</span>`}</p>
</div>`;
}

/**
 * What the intent changes, as it was declared: what a reviewer reads before the review form, and anyone after.
 * The payload is shown whole, as JSON; one held by reference is named by its digest (the API serves its content
 * to the stages that check it, not to this page).
 */
function changePanel(change: DeclaredChange): Markup {
  const { intent, content } = change;
  const results = intent.testResults;
  return html`<section class="panel" aria-labelledby="change-h"><h2 id="change-h">The change</h2>
<dl>
<dt>Goal</dt><dd>${change.goal}</dd>
<dt>Value model</dt><dd>${change.valueModel}</dd>
<dt>Constraints</dt><dd>${change.constraints}</dd>
<dt>Target</dt><dd>${change.target}</dd>
</dl>
<h3>Payload</h3>
${
  'payload' in content
    ? html`<pre>${payloadText(content.payload)}</pre>`
    : html`<p>sha256 <code>${content.payloadRef.sha256}</code>, ${content.payloadRef.size} bytes. The content is held by reference: stored once under its SHA-256 (<code>itv payload put</code>), and fetched and hashed again by the stages that check it.</p>`
}
<h3>Attached test results</h3>
${
  results.length === 0
    ? html`<p class="muted">None attached${intent.constraints.checks.length > 0 ? '; CI may report the named checks later (timeline below)' : ''}.</p>`
    : html`<ul>${results.map(
        (r) =>
          html`<li><span class="badge ${r.passed ? 'ok' : 'bad'}">${r.passed ? 'passed' : 'failed'}</span> ${r.check}${r.detail ? html`: ${r.detail}` : ''}${r.url ? html` (<a href="${r.url}" rel="noreferrer">run</a>)` : ''}</li>`,
      )}</ul>`
}
</section>`;
}

/**
 * The value per hour: as the intent concluded with it, or, before it concludes, as its value model declares it
 * (the same figure; labelled declared, since only a release realises it).
 */
function valueFigures(intent: IntentWithEntries, change: DeclaredChange | undefined): Markup {
  const declaredOnly = intent.valuePerHourUsd === null && change !== undefined;
  const perHour = declaredOnly ? change.valuePerHourUsd : intent.valuePerHourUsd;
  const perEmployee = declaredOnly
    ? (change.valuePerHourPerEmployeeUsd ?? null)
    : intent.valuePerHourPerEmployeeUsd;
  return html`${figure(declaredOnly && intent.outcome === null ? 'Value per hour, declared' : valueLabel(intent), usd(perHour))}
${figure('Per employee, per hour', usd(perEmployee))}`;
}

function flashNotice(flash: Flash): Markup {
  if (!flash.attempt) return notice(flash.kind, flash.text, { flash: true });
  return notice(
    flash.kind,
    html`${flash.text} It runs again as <a href="${intentHref(flash.attempt)}">${flash.attempt}</a>.`,
    { flash: true },
  );
}

function retriedPanel(retried: RetriedAs): Markup {
  return html`<p class="panel">Retried as <a href="${intentHref(retried.intentId)}">${retried.intentId}</a>${retried.retriedBy ? html` by ${retried.retriedBy}` : ''}: this attempt is over, the newer one carries the intent on.</p>`;
}

function figure(label: string, value: string, kind = ''): Markup {
  return html`<div class="figure"><div class="label">${label}</div><div class="value ${kind}">${value}</div></div>`;
}

function stepTone(entry: LedgerEntry): string {
  const type = entry.type;
  // A conclusion is as good as its outcome, toned as the status badge tones it: only a release is green.
  if (type === 'intent.concluded') return statusTone(String(read(entry, concludedOutcomePayload)?.outcome));
  const tone = statusTone(type.replace(/^[a-z]+\./, ''));
  if (/rejected|failed|rollback|refused|stopped|frozen/.test(type)) return 'bad';
  if (/concluded|deployment-completed|approved|validated|admitted|passed/.test(type)) return 'ok';
  return tone === 'ok' ? 'ok' : '';
}

function stepDetail(entry: LedgerEntry): Markup | string {
  const described = read(entry, describedPayload);
  if (described) return html` — ${described.description}`;
  if (entry.type === 'intent.concluded')
    return html` — outcome ${String(read(entry, concludedOutcomePayload)?.outcome)}`;
  const review = entry.type.startsWith('review.') ? read(entry, reviewerPayload) : undefined;
  if (review)
    return html` — by ${review.reviewer}${review.authenticatedAs ? ` (${identityText(review.authenticatedAs)})` : ''}${review.reason !== undefined ? html`: ${review.reason}` : ''}`;
  const stopped = entry.type === 'release.stopped' ? read(entry, stoppedReasonPayload) : undefined;
  if (stopped) return html` — ${stopped.reason}`;
  const contract = entry.type === 'release.contract-only' ? read(entry, contractOnlyPayload) : undefined;
  if (contract) return html` — contract ${contractName(contract)}, nothing deployed`;
  return '';
}

function contractName(c: { service: string; profile: string; contractVersion: string }): string {
  return `${c.service}/${c.profile}@${c.contractVersion}`;
}

/**
 * A schema update's release deploys nothing (`release.contract-only`): said as what it is, registering its
 * contract, rather than as a release with no deployment.
 */
function contractOnlyPanel(intent: IntentWithEntries): Markup | string {
  const contract = read(
    lastOf(intent.entries, (type) => type === 'release.contract-only'),
    contractOnlyPayload,
  );
  if (!contract) return '';
  const what = html`A schema update changes the profile's contract, not its configuration: users keep the configuration they are served.`;
  return intent.outcome === null
    ? html`<p class="panel">Registering contract ${contractName(contract)}: nothing to deploy. ${what} Learn registers the contract as the change concludes.</p>`
    : html`<p class="panel">Contract ${contractName(contract)}: nothing was deployed. ${what}</p>`;
}

function reviewPanel(
  intent: IntentWithEntries,
  change: DeclaredChange | undefined,
  options: IntentViewOptions,
): Markup | string {
  if (intent.status !== 'awaiting-review') return '';
  const requested =
    read(
      lastOf(intent.entries, (t) => t.startsWith('review.requested')),
      reviewRequestedPayload,
    ) ?? {};
  const action = intentHref(intent.intentId, '/review');
  const head = html`<section class="panel" aria-labelledby="review-h"><h2 id="review-h">Review</h2>
<p>Requested by ${String(requested.requester ?? '—')} at tier ${String(requested.tier ?? intent.tier ?? '—')}.`;
  // The API refuses its requester, and whom it was requested for: they are not offered a decision it would refuse.
  const acting = options.actingPrincipal;
  const authority = change?.intent.authority;
  if (
    acting !== undefined &&
    (acting === requested.requester || acting === authority?.requester || acting === authority?.onBehalfOf)
  ) {
    return html`${head}</p>
<p>You requested this change; a reviewer of record (${decidersOf(requested)}) decides it.</p></section>`;
  }
  // Nor one its request did not name among its reviewers of record (the ledger's record of who may decide it).
  if (acting !== undefined && requested.reviewers && requested.reviewers.length > 0) {
    if (!requested.reviewers.includes(acting)) {
      const verb = requested.reviewers.length === 1 ? 'decides' : 'decide';
      return html`${head}</p>
<p>You, ${acting}, are not among the reviewers of record its request named: ${decidersOf(requested)} ${verb} it.</p></section>`;
    }
  }
  return html`${head}${reviewersOf(requested)}</p>
<form method="post" action="${action}">
<input type="hidden" name="form" value="${options.formToken}">
<label for="review-reason">Reason (recorded; required to reject)</label><br>
<textarea id="review-reason" name="reason" rows="2" cols="60" maxlength="2000" required></textarea><br>
<button type="submit" name="decision" value="approve" formnovalidate>Approve</button>
<button type="submit" name="decision" value="reject" class="danger">Reject</button>
</form></section>`;
}

/** The reviewers of record the review's request named, for one who may not decide it. */
function decidersOf(requested: ReviewRequested): Markup | string {
  const reviewers = requested.reviewers;
  if (!reviewers) return 'named by the catalog';
  if (reviewers.length === 0) return 'none is named: the catalog names nobody but you';
  return html`${reviewers.map((name, k) => html`${k > 0 ? ', ' : ''}<strong>${String(name)}</strong>`)}`;
}

/** Who may decide the review, as its request recorded them; entries written before name nobody. */
function reviewersOf(requested: ReviewRequested): Markup {
  const reviewers = requested.reviewers;
  if (!reviewers) {
    return html` Your decision is recorded as yours: the API checks that you are a reviewer of record for this change.`;
  }
  if (reviewers.length === 0) {
    return html`<br><strong>No reviewer of record may decide it:</strong> the catalog named none but its requester (or whom it was requested for) when the review was requested. Its requester or an owner can stop it below.`;
  }
  const names = reviewers.map((name, k) => html`${k > 0 ? ', ' : ''}<strong>${String(name)}</strong>`);
  return html`<br>May approve or reject: ${names} (its reviewers of record; never its requester, ${String(requested.requester ?? '—')}). Your decision is recorded as yours: the API checks who you are.`;
}

/** Stop a change in flight (rolled back, or held where it must not be reverted), or run a stopped one again. */
function controlPanel(intent: IntentWithEntries, options: IntentViewOptions): Markup | string {
  const retryable =
    intent.outcome !== null && (retryableOutcomes as readonly string[]).includes(intent.outcome);
  if (intent.outcome === null) {
    const head = html`<section class="panel" aria-labelledby="stop-h"><h2 id="stop-h">Stop this change</h2>`;
    const refused = refusedControl(intent, options, 'stop');
    if (refused) return html`${head}${refused}</section>`;
    return html`${head}
<p>As its requester, an owner of its service or a release steward: withdrawn where it waits, rolled back if it is releasing (held
instead where its constraints say it must not be reverted). Recorded with your reason.</p>
<form method="post" action="${intentHref(intent.intentId, '/stop')}">
<input type="hidden" name="form" value="${options.formToken}">
<label for="stop-reason">Reason (recorded)</label><br>
<input id="stop-reason" name="reason" type="text" size="60" maxlength="${stopReasonMaxLength}" required>
<button type="submit" class="danger">Stop</button></form></section>`;
  }
  // Once a newer attempt runs it, this one is not retried again (the API would retry that attempt).
  if (!retryable || options.retriedAs) return '';
  const head = html`<section class="panel" aria-labelledby="retry-h"><h2 id="retry-h">Retry</h2>`;
  const refused = refusedControl(intent, options, 'retry');
  if (refused) return html`${head}<p>It ended ${intent.outcome}.</p>${refused}</section>`;
  return html`${head}
<p>It ended ${intent.outcome}: run it again as its next attempt, recorded as retried by you.</p>
<form method="post" action="${intentHref(intent.intentId, '/retry')}">
<input type="hidden" name="form" value="${options.formToken}">
<button type="submit">Retry</button></form></section>`;
}

/**
 * Who may stop or retry the intent instead of the principal the console acts as, when the API's rule
 * (`controlVerdict`, `retryVerdict`) would refuse it; nothing when it may, or when the console cannot tell (a
 * deployed stack, whose caller it does not know, or a declaration it cannot read): the API decides then.
 */
function refusedControl(
  intent: IntentWithEntries,
  options: IntentViewOptions,
  verb: 'stop' | 'retry',
): Markup | undefined {
  const { actingPrincipal: acting, catalog } = options;
  if (acting === undefined || catalog === undefined) return undefined;
  let verdict: ControlVerdict;
  try {
    verdict =
      verb === 'stop'
        ? controlVerdict(intent.intentId, intent.entries, acting, catalog, 'stop')
        : retryVerdict(intent.intentId, intent.entries, acting, catalog, recordedStop(intent.entries));
  } catch {
    return undefined;
  }
  if (verdict.may) return undefined;
  const because = verdict.because
    ? html`${verdict.because[0]?.toUpperCase()}${verdict.because.slice(1)}: only`
    : 'Only';
  return html`<p>${because} ${verdict.who} may ${verb} it; you, ${acting}, may not.</p>`;
}

function policyPanel(entries: LedgerEntry[]): Markup | string {
  const admission = lastOf(entries, (t) => t.startsWith('admission.'));
  if (!admission) return '';
  const p = read(admission, policyEvaluationPayload) ?? {};
  const log = p.evaluationLog ?? [];
  const risk = p.riskFactors ?? [];
  return html`<h2>Policy evaluation <span class="muted">(${admission.type}, policy set ${String(p.policySetHash ?? '').slice(0, 12)})</span></h2>
<table><thead><tr><th scope="col">Rule</th><th scope="col">Domain</th><th scope="col">Result</th><th scope="col">Why</th><th scope="col">What would pass</th></tr></thead>
<tbody>${log.map(
    (r) =>
      html`<tr><td>${r.rule}</td><td>${r.domain}</td><td><span class="badge ${r.status === 'non-compliant' ? 'bad' : r.status === 'compliant' ? 'ok' : r.status === 'exempted' ? 'warn' : 'info'}">${r.status}</span></td><td>${r.reason}</td><td>${r.remedy ?? ''}</td></tr>`,
  )}</tbody></table>
${risk.length > 0 ? html`<p class="muted">Risk: ${risk.map((f) => `${f.name} +${f.points} (${f.detail})`).join('; ')}; confidence ${p.confidence !== undefined ? p.confidence.toFixed(2) : '—'}.</p>` : ''}`;
}

function decisionPanel(entries: LedgerEntry[], spki: Uint8Array | undefined): Markup | string {
  const signed = entries.find((e) => e.type === 'decision.signed');
  const reused = entries.find((e) => e.type === 'decision.reused');
  if (!signed && !reused) return '';
  if (!signed) {
    const p = read(reused, reusedDecisionPayload) ?? {};
    return html`<h2>Decision</h2><p>Reused the signed decision ${String(p.decisionId ?? p.cachedDecisionId ?? '')} of an earlier identical change.</p>`;
  }
  const p = read(signed, signedDecisionPayload) ?? {};
  const envelope = read(signed, signedPayload)?.envelope;
  const verdict = spki ? verifyEnvelope(envelope, spki, { payloadType: DECISION_PAYLOAD_TYPE }) : undefined;
  const status = !verdict
    ? html`<span class="badge info">not checked</span> no public key`
    : verdict.ok
      ? html`<span class="badge ok">signature valid</span> ECDSA P-256, key ${verdict.keyid}`
      : html`<span class="badge bad">signature INVALID</span> ${verdict.reason}`;
  return html`<h2>Decision</h2><p>${String(p.decisionId)} · digest <code>${String(p.digest).slice(0, 16)}…</code> · ${status}</p>`;
}

/** What each monitored metric is called on a chart, and how its values read. */
const metricLabels: Record<string, { name: string; format: (v: number) => string }> = {
  errorRate: { name: 'error rate', format: (v) => `${(v * 100).toPrecision(3)}%` },
  latencyP99Ms: { name: 'p99 latency', format: (v) => `${Number(v.toPrecision(3))} ms` },
};

/** A point of a time series: its instant on the axis, and in full in the chart's table. */
const at = (t: number, y: number): LinePoint => ({ x: t, y, xText: new Date(t).toISOString() });
/** Axis labels of a time axis: month-day and minute, UTC. */
const clock = (t: number) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');

function rolloutPanel(entries: LedgerEntry[], metrics: IntentMetrics | undefined): Markup | string {
  const events = entries.filter(
    (e) => e.type.startsWith('release.') && read(e, releasePointPayload) !== undefined,
  );
  if (events.length === 0) return '';
  const points = usersOnTheChange(entries);
  const markers = events
    .filter((e) => e.type === 'release.rollback-started')
    .flatMap((e) => {
      const p = read(e, rollbackPayload);
      if (!p) return [];
      return [
        {
          t: Date.parse(p.at),
          label: p.alarm !== undefined ? `rolled back: ${p.alarm} in ALARM` : 'rolled back',
        },
      ];
    });
  const observations = entries.filter((e) => e.type === 'observation.recorded');
  const slos = new Map<string, { objective: number; points: Array<{ t: number; v: number }> }>();
  for (const entry of observations) {
    const snapshot = read(entry, observationPayload)?.snapshot;
    for (const slo of snapshot?.slos ?? []) {
      const series = slos.get(slo.name) ?? { objective: slo.objective, points: [] };
      // The baseline is the metric before the change (at the window's start), observed its value after.
      if (series.points.length === 0)
        series.points.push({ t: Date.parse(snapshot!.windowStart), v: slo.baseline });
      series.points.push({ t: Date.parse(snapshot!.windowEnd), v: slo.observed });
      slos.set(slo.name, series);
    }
  }
  const startedEntry = entries.find((e) => e.type === 'release.started');
  const started = read(startedEntry, releaseStartedPayload) ?? {};
  const exposure = exposureOf(startedEntry?.payload);
  const span = [...points.map((p) => p.t), ...[...slos.values()].flatMap((s) => s.points.map((p) => p.t))];
  if (metrics) span.push(Date.parse(metrics.from), Date.parse(metrics.to));
  const xDomain = { from: Math.min(...span), to: Math.max(...span) };
  const timeAxis = {
    xLabel: 'time (UTC)',
    formatX: clock,
    xDomain,
    markers: markers.map((m) => ({ x: m.t, label: m.label })),
  };
  // Period by period from the service's own telemetry, against the threshold its rollback alarm trips at; the
  // SLO observations (one per Observe window) are drawn only where the telemetry is not available.
  const metricCharts = (metrics?.series ?? []).map((series) => {
    const label = metricLabels[series.metric] ?? { name: series.metric, format: (v: number) => String(v) };
    return lineChart({
      title: `Monitored ${label.name}, per ${series.periodSeconds / 60} min, against its alarm ${series.alarm}`,
      yLabel: label.name,
      series: [
        {
          name: label.name,
          points: series.points.map((p) => at(Date.parse(p.at), p.value)),
          dots: series.points.length <= 60,
        },
      ],
      threshold: { value: series.threshold, label: 'alarm threshold' },
      formatY: label.format,
      ...timeAxis,
    });
  });
  return html`<h2>Rollout</h2>
<p class="muted">${exposure ? steppedSchedule(entries, started, exposure.steps, points) : html`Strategy ${String(started.strategy ?? '—')}; ${String(started.deploymentDurationInMinutes ?? '—')} min to everyone, ${String(started.finalBakeTimeInMinutes ?? '—')} min bake.`}</p>
${lineChart({
  title: 'Share of users on the change',
  yLabel: 'percent',
  series: [{ name: 'rollout', points: points.map((p) => at(p.t, p.v)), step: true }],
  formatY: (v) => `${Math.round(v)}%`,
  yDomain: { from: 0, to: 100 },
  ...timeAxis,
})}
${metricCharts}
${
  metricCharts.length > 0
    ? ''
    : [...slos.entries()].map(([name, series]) =>
        lineChart({
          title: `Monitored ${name}: its baseline before the change, then as observed, against its objective`,
          yLabel: name,
          series: [
            { name: `${name} (baseline, then observed)`, points: series.points.map((p) => at(p.t, p.v)) },
          ],
          threshold: { value: series.objective, label: 'objective' },
          formatY: (v) => String(Math.round(v * 1000) / 1000),
          ...timeAxis,
        }),
      )
}`;
}

/**
 * The share of users on the change at each release event that says how far it has gone. A release in one
 * deployment exposes the share of targets its deployment reached. A stepped release deploys each step to every
 * target, so its deployment's percentage is not the users': they go from the previous step's share to this
 * step's as it reaches the targets, as the API's `rolloutPercentage` counts them (`rolloutOf`). A hold records
 * the share of users itself.
 */
function usersOnTheChange(entries: LedgerEntry[]): Array<{ t: number; v: number }> {
  let exposure: ReturnType<typeof exposureOf>;
  let rollingBack = false;
  const points: Array<{ t: number; v: number }> = [];
  for (const entry of entries) {
    if (entry.type === 'release.started' || entry.type === 'release.step-started') {
      exposure = exposureOf(entry.payload);
      rollingBack = false;
    } else if (entry.type === 'release.previous-redeployed') rollingBack = true;
    const p = entry.type.startsWith('release.') ? read(entry, releasePointPayload) : undefined;
    if (!p) continue;
    const step =
      exposure && deploymentProgressPayload.safeParse(entry.payload).success ? exposure : undefined;
    points.push({
      t: Date.parse(p.at),
      v: step ? usersExposed(step, p.percentage, rollingBack) : p.percentage,
    });
  }
  return points;
}

/**
 * A stepped release's own schedule (the steps of users it exposes, each a deployment of the step strategy to
 * every target) and where it stands: held where its latest step froze, else the share of users it reached.
 */
function steppedSchedule(
  entries: LedgerEntry[],
  started: ReleaseStarted,
  steps: readonly number[],
  points: Array<{ v: number }>,
): Markup {
  const list = steps.length > 1 ? `${steps.slice(0, -1).join(', ')} and ${steps.at(-1)}` : String(steps[0]);
  const latest = lastOf(entries, (t) =>
    ['release.started', 'release.step-started', 'release.previous-redeployed', 'release.frozen'].includes(t),
  );
  const held = latest?.type === 'release.frozen' ? read(latest, releasePointPayload)?.percentage : undefined;
  const reached = points.at(-1)?.v ?? 0;
  return html`In steps of ${list} % of users, each deployed to every target at once with ${String(started.strategy ?? '—')} (${String(started.finalBakeTimeInMinutes ?? '—')} min bake); ${held === undefined ? `${Math.round(reached)} % of users on the change` : `held at ${Math.round(held)} % of users`}.`;
}

/** Only a released change realises its value model's $/hour; a concluded one that did not has it declared only. */
function valueLabel(intent: IntentWithEntries): string {
  return intent.outcome === null || intent.outcome === 'released'
    ? 'Value per hour'
    : 'Value per hour, declared, not realised';
}
