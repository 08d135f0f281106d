import type { Catalog, Service } from '../catalog-schema.js';
import type { ResolvedIntent } from '../intent.js';
import { schedulingHorizonDays } from '../intent-timing.js';
import { laneOf } from '../lane.js';
import { describeLocal } from '../policy/business-hours.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import { exemptionsOf, type PolicyExemption } from '../policy/exemptions.js';
import { nextAllowedOf } from '../policy/first-allowed.js';
import {
  type ExemptionOnRelease,
  firstStartThatFits,
  releaseRun,
  type WindowOnRelease,
} from '../policy/release-span.js';
import type {
  PolicyContext,
  PolicyEvaluation,
  PolicyRule,
  PolicySet,
  PolicySignals,
  RuleResult,
} from '../policy/types.js';
import { chooseStrategy } from '../release/choose.js';
import { deploymentTimeline } from '../release/timeline.js';
import { assessRisk, type RiskAssessment } from '../risk.js';
import type { InFlightRecord } from '../state-keys.js';
import { valuePerHour } from '../value.js';
import { decideNonInterference, isAbandoned, type NonInterferenceDecision } from './non-interference.js';
import { type Occupant, toOccupant, toRecord } from './occupant.js';
import {
  choosePreemption,
  type LaneRelease,
  type PreemptionChoice,
  requeuedAfterPreemption,
} from './preemption.js';

/** The rule whose compliance turns a claimed emergency override into an authorized one. */
export const overrideAuthorityRule = 'authority-emergency-override';

/** What admission read of the INFLIGHT partition, at one sequencer version. */
export interface Occupancy {
  /** The sequencer's version when read; the next arrival ticket is `version + 1`. */
  version: number;
  /** This intent's own record, from an earlier attempt. */
  mine?: InFlightRecord;
  others: InFlightRecord[];
  /** The sequencer's latest commits, `[version, intentId]`, oldest first: what the next commit extends. */
  commits?: ReadonlyArray<readonly [number, string]>;
  /**
   * Every place as stored, by intent id, with its item version: what a write of another intent's place is
   * conditioned on (`applyOccupancyWrite`), and what a lost round puts back.
   */
  stored?: ReadonlyMap<string, { version: number; place: InFlightRecord }>;
}

export interface AdmissionInput {
  intent: ResolvedIntent;
  intentId: string;
  service: Service;
  catalog: Catalog;
  now: Date;
  /** Lower bound of the earned confidence for (service, change kind). */
  confidence: number;
  occupancy: Occupancy;
  policies: PolicySet;
  signals?: PolicySignals;
  /** Deployments in flight by intent id, read from the ledger: what an emergency may preempt. */
  releases?: ReadonlyMap<string, LaneRelease>;
}

export interface Explanation {
  rule: string;
  domain: string;
  reason: string;
  remedy?: string;
}

/** How this intent's own record changes: `null` deletes it; `commit` means the write must win the sequencer. */
export interface OccupancyWrite {
  record: InFlightRecord | null;
  commit: boolean;
  /** Other intents' records this decision changes (a preempted intent queued again); only with `commit`. */
  others?: InFlightRecord[];
}

/** An emergency's preemption of the release on its lane, as admission decided it. */
export interface Preemption {
  intentId: string;
  release: LaneRelease;
  /** Predicted change to the preempted intent's time to value, and that delay priced at its value per hour. */
  delaySeconds: number;
  costOfDelayUsd: number;
  valuePerHourUsd: number;
  /** Its record before: what a lost race puts back. */
  before: InFlightRecord;
}

export interface AdmissionDecision {
  verdict: 'admitted' | 'queued' | 'rejected';
  failed: Explanation[];
  /**
   * The policy set's evaluation as the log records it: at `now`, except that a rule that would stop the release
   * during its predicted run is non-compliant with the reason over the run (`context.releaseSpan`).
   */
  evaluation: PolicyEvaluation;
  /** Rules the change passed only by an exemption (a break-glass), each with who declared it: reviewed. */
  exemptions: PolicyExemption[];
  risk: RiskAssessment;
  lane: string;
  /** The strategy its tier and confidence choose, and its rollout plus bake: the basis of every prediction. */
  strategy: string;
  predictedDurationSeconds: number;
  /** Whether a claimed emergency override was authorized by the policy set. */
  override: boolean;
  arrival: number;
  nonInterference: NonInterferenceDecision;
  /** Set when an authorized emergency stops the release on its lane; `preemptionDeclined` says why it did not. */
  preemption?: Preemption;
  preemptionDeclined?: { intentId: string; reason: string };
  /**
   * The lane holder an authorized emergency waits for only because it has no deployment yet: once that deployment
   * starts the emergency may preempt it, so its StartRelease wakes the emergency's park.
   */
  awaitsDeploymentOf?: string;
  /** Undefined when the record stays as it is. */
  write?: OccupancyWrite;
}

/**
 * The whole admission decision, pure: policy set, risk tier and non-interference against what the INFLIGHT
 * partition held, plus how this intent's own record must change. Admission performs the write (see
 * `settleAdmission`); the benchmark times this function alone.
 */
export function decideAdmission(input: AdmissionInput): AdmissionDecision {
  const { intent, intentId, service, catalog, now, confidence, occupancy } = input;
  const context: PolicyContext = {
    intent,
    service,
    catalog,
    now,
    phase: 'admission',
    ...(input.signals ? { signals: input.signals } : {}),
  };
  const evaluation = evaluatePolicy(context, input.policies.rules);
  const exemptions = exemptionsOf(evaluation);
  const risk = reviewedForExemptions(
    assessRisk({
      intent,
      service,
      catalog,
      confidence,
      reviewedDomains: input.policies.reviewedDomains,
    }),
    exemptions,
  );
  const strategy = chooseStrategy({ tier: risk.tier, confidence });
  const predictedDurationSeconds = deploymentTimeline(strategy).bakeEndSeconds;
  const lane = laneOf(service);
  const override =
    intent.authority.emergencyOverride &&
    evaluation.results.some((r) => r.rule === overrideAuthorityRule && r.status === 'compliant');
  const mine = occupancy.mine ? toOccupant(occupancy.mine) : undefined;
  const nowIso = now.toISOString();
  const deadline = intent.constraints.deadline;
  const candidate: Occupant = {
    intentId,
    status: mine?.status ?? 'queued',
    lane,
    blastRadius: risk.blastRadius,
    arrival: mine?.arrival ?? occupancy.version + 1,
    arrivedAt: mine?.arrivedAt ?? nowIso,
    ...(mine?.admittedAt ? { admittedAt: mine.admittedAt } : {}),
    lastSeenAt: nowIso,
    predictedDurationSeconds,
    strategy: strategy.name,
    valuePerHourUsd: valuePerHour(intent.goal.valueModel),
    emergencyOverride: override,
    ...(deadline ? { deadline } : {}),
    // A preempted intent keeps the head of its lane on every re-check until it is admitted again.
    ...(mine?.preemptedBy ? { preemptedBy: mine.preemptedBy } : {}),
  };
  const alreadyAdmitted = mine?.status === 'admitted';
  const others = occupancy.others.map(toOccupant);
  const choice: PreemptionChoice | undefined =
    override && !alreadyAdmitted
      ? choosePreemption({
          candidate: { ...candidate, emergencyOverride: true },
          others: others.filter((o) => !isAbandoned(o, now.getTime())),
          releases: input.releases ?? new Map(),
        })
      : undefined;
  const preempting =
    choice?.action === 'preempt' ? requeuedAfterPreemption(choice.holder, intentId, nowIso) : undefined;
  const nonInterference = decideNonInterference({
    candidate,
    others,
    now,
    override,
    ...(preempting ? { preempting } : {}),
    // An admitted intent was judged against its deadline when admitted; neither a retry nor an emergency that
    // preempted its release reverses that (the emergency's admission records the delay instead).
    ...(deadline && !alreadyAdmitted && !mine?.preemptedBy ? { deadline: new Date(deadline) } : {}),
  });
  if (alreadyAdmitted) {
    // A retried attempt after its admission was written: the lease is already held.
    nonInterference.verdict = 'admitted';
    nonInterference.blockers = [];
  }
  // When only closed windows refuse it, the first instant every rule allows, up to the scheduling horizon, and
  // from which its release runs to the end without meeting another: what a closed window's remedy names, so that
  // following it passes the whole set, not just that rule.
  const allowedFrom =
    evaluation.failed.length > 0
      ? firstStartThatFits(
          context,
          input.policies.rules,
          predictedDurationSeconds * 1000,
          new Date(now.getTime() + schedulingHorizonDays * 86_400_000),
        )
      : undefined;
  const failed: Explanation[] = evaluation.failed.map((result) => {
    const { rule, domain, reason } = result;
    // A later start every rule allows replaces the rule's own; another way through it names (`alternative`) stays.
    const remedy =
      allowedFrom && nextAllowedOf(result) !== undefined
        ? laterStartRemedy(
            context,
            result,
            allowedFrom,
            predictedDurationSeconds * 1000,
            'the first instant every rule allows',
          )
        : result.remedy;
    return { rule, domain, reason, ...(remedy ? { remedy } : {}) };
  });
  if (nonInterference.deadlineMiss) {
    failed.push({
      rule: 'non-interference-deadline',
      domain: 'operational',
      ...nonInterference.deadlineMiss,
    });
  }
  // A release that would start now but still be running when a window closes on it (a freeze opening) would be
  // stopped there and rolled back after exposing users to it: refused before it starts, with when it would fit.
  // Any rule CheckRelease would fail at some minute of the run counts, not only those that name when they open.
  // The evaluation log records such a rule's failure over the run in place of its result at the start.
  // A rule that lets the run go on only by an exemption (a break-glass through a freeze that opens during it) counts
  // as at the start: on the record, and the change waits for a reviewer of record.
  let logged = evaluation;
  let runRisk = risk;
  let runExemptions = exemptions;
  if (failed.length === 0 && !alreadyAdmitted && nonInterference.verdict === 'admitted') {
    const span = runSpan(now, predictedDurationSeconds, strategy.name);
    const run = releaseRun(context, input.policies.rules, now, new Date(span.releaseEnd));
    const refusal = run.met
      ? refusalsOverRun(
          context,
          input.policies.rules,
          run.met,
          predictedDurationSeconds,
          strategy.name,
          service,
        )
      : undefined;
    if (refusal) {
      failed.push(...refusal.failed);
      logged = withRunRefusals(evaluation, refusal);
    } else if (run.exempted.some(({ result }) => !exemptions.some((e) => e.rule === result.rule))) {
      logged = withRunExemptions(evaluation, run.exempted, span);
      runExemptions = exemptionsOf(logged);
      runRisk = reviewedForExemptions(
        risk,
        runExemptions.filter((e) => !exemptions.some((atStart) => atStart.rule === e.rule)),
      );
    }
  }
  const verdict = alreadyAdmitted ? 'admitted' : failed.length > 0 ? 'rejected' : nonInterference.verdict;
  // A preemption happens only with the emergency's admission: one refused or still queued stops nobody.
  const preemption =
    choice?.action === 'preempt' && preempting && verdict === 'admitted'
      ? preemptionOf(choice.release, choice.holder, occupancy, nonInterference)
      : undefined;
  const write = writeFor(verdict, candidate, mine, nowIso);
  if (preemption && preempting && write.write) write.write.others = [toRecord(preempting)];
  return {
    verdict,
    failed: alreadyAdmitted ? [] : failed,
    evaluation: logged,
    exemptions: runExemptions,
    risk: runRisk,
    lane,
    strategy: strategy.name,
    predictedDurationSeconds,
    override,
    arrival: candidate.arrival,
    nonInterference,
    ...(preemption ? { preemption } : {}),
    ...(choice?.action === 'wait'
      ? { preemptionDeclined: { intentId: choice.holder.intentId, reason: choice.reason } }
      : {}),
    ...(choice?.action === 'wait' && choice.awaitsDeployment && verdict === 'queued'
      ? { awaitsDeploymentOf: choice.holder.intentId }
      : {}),
    ...write,
  };
}

/**
 * A change a rule let through only by an exemption needs a reviewer of record, whatever its tier: the exemption is
 * one person's call, and a second, never the requester, approves it. Says so among the risk factors.
 */
function reviewedForExemptions(risk: RiskAssessment, exemptions: PolicyExemption[]): RiskAssessment {
  if (exemptions.length === 0) return risk;
  const factors = exemptions.map((exemption) => ({
    name: 'policy-exemption',
    points: 0,
    detail: `${exemption.rule} exempted: ${exemption.kind}${exemption.fixes ? ` of ${exemption.fixes}` : ''} declared by ${exemption.by}; a reviewer of record approves it`,
  }));
  return { ...risk, factors: [...risk.factors, ...factors], requiresReviewer: true };
}

function preemptionOf(
  release: LaneRelease,
  holder: Occupant,
  occupancy: Occupancy,
  nonInterference: NonInterferenceDecision,
): Preemption {
  const check = nonInterference.checked.find((c) => c.intentId === holder.intentId);
  const before = occupancy.others.find((r) => r.intentId === holder.intentId) ?? toRecord(holder);
  return {
    intentId: holder.intentId,
    release,
    delaySeconds: check?.predictedTimeToValueChangeSeconds ?? 0,
    costOfDelayUsd: check?.costOfDelayUsd ?? 0,
    valuePerHourUsd: holder.valuePerHourUsd,
    before,
  };
}

function writeFor(
  verdict: AdmissionDecision['verdict'],
  candidate: Occupant,
  mine: Occupant | undefined,
  now: string,
): { write?: OccupancyWrite } {
  if (mine?.status === 'admitted') return {};
  if (verdict === 'rejected') return mine ? { write: { record: null, commit: false } } : {};
  if (verdict === 'admitted') {
    const { preemptedBy: _resumed, ...admitted } = candidate;
    return {
      write: { record: toRecord({ ...admitted, status: 'admitted', admittedAt: now }), commit: true },
    };
  }
  // A first arrival takes its ticket through the sequencer; a later attempt only refreshes its place.
  return { write: { record: toRecord({ ...candidate, status: 'queued' }), commit: mine === undefined } };
}

/** What stops a release starting at `ctx.now` midway: the refusal of each rule, and its result over the run. */
interface RunRefusal {
  failed: Explanation[];
  /** Each stopping rule's result as the evaluation log records it: non-compliant, over the predicted run. */
  results: RuleResult[];
}

/**
 * Each rule that would stop a release starting at `ctx.now` during its predicted run (CheckRelease's in-flight
 * re-check), naming the instant, with the first start from which the whole release fits as its remedy when one can
 * be found, else when it would be refused and to resubmit after the window.
 */
function refusalsOverRun(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
  met: WindowOnRelease,
  durationSeconds: number,
  strategy: string,
  service: Service,
): RunRefusal {
  const durationMs = durationSeconds * 1000;
  const end = new Date(ctx.now.getTime() + durationMs);
  const limit = new Date(ctx.now.getTime() + schedulingHorizonDays * 86_400_000);
  const fits = firstStartThatFits(ctx, rules, durationMs, limit);
  const minutes = Math.round(durationSeconds / 60);
  const at = met.at.toISOString();
  const span = {
    phase: 'in-flight',
    at,
    releaseStart: ctx.now.toISOString(),
    releaseEnd: end.toISOString(),
    strategy,
  };
  const refusals = met.failed.map((result) => {
    const { rule, domain } = result;
    const reason = `its release (${strategy}, predicted to run ${minutes} min, from ${ctx.now.toISOString()} to ${end.toISOString()}) would still be running at ${at}, when this rule stops it: ${result.reason}`;
    const remedy = fits
      ? laterStartRemedy(
          ctx,
          result,
          fits,
          durationMs,
          'the first start from which its whole release fits outside every closed window',
        )
      : `It would be refused at ${at} (${describeLocal(met.at, service.timeZone)}): resubmit after the window this rule closes then has ended${nextAllowedOf(result) === undefined ? ' (the rule does not say when)' : ''}, so that its whole ${minutes}-minute release runs while every rule allows it.${ctx.intent.constraints.deadline ? ` If the window outlasts its deadline (constraints.deadline ${ctx.intent.constraints.deadline}), move the deadline too.` : ''}${result.remedy ? ` The rule says: ${result.remedy}` : ''}`;
    const explanation: Explanation = { rule, domain, reason, remedy };
    const logged: RuleResult = {
      ...result,
      status: 'non-compliant',
      reason,
      remedy,
      context: { ...result.context, releaseSpan: span },
    };
    return { explanation, logged };
  });
  return { failed: refusals.map((r) => r.explanation), results: refusals.map((r) => r.logged) };
}

/** The predicted run of a release starting at `start`, as the evaluation log records it beside a rule's result. */
function runSpan(start: Date, durationSeconds: number, strategy: string) {
  return {
    phase: 'in-flight',
    at: start.toISOString(),
    releaseStart: start.toISOString(),
    releaseEnd: new Date(start.getTime() + durationSeconds * 1000).toISOString(),
    strategy,
  };
}

/**
 * The evaluation as the log records it when a rule lets the release run on only by an exemption from some instant of
 * its run: that rule's result there (`exempted`, who declared it) in place of its result at the start, with the
 * run beside it (`context.releaseSpan`, `at` the instant).
 */
function withRunExemptions(
  evaluation: PolicyEvaluation,
  exempted: readonly ExemptionOnRelease[],
  span: ReturnType<typeof runSpan>,
): PolicyEvaluation {
  const byRule = new Map(exempted.map((e) => [e.result.rule, e]));
  const results = evaluation.results.map((result) => {
    const during = byRule.get(result.rule);
    if (!during || result.status === 'exempted') return result;
    return {
      ...during.result,
      context: { ...during.result.context, releaseSpan: { ...span, at: during.at.toISOString() } },
    };
  });
  return { ...evaluation, results };
}

/**
 * The evaluation as the log records it: each rule that would stop the release during its run is non-compliant, with
 * the reason over the run, in place of its result at the start, so the log never calls compliant a rule the verdict
 * names as the refusal.
 */
function withRunRefusals(evaluation: PolicyEvaluation, refusal: RunRefusal): PolicyEvaluation {
  const byRule = new Map(refusal.results.map((result) => [result.rule, result]));
  const results = evaluation.results.map((result) => byRule.get(result.rule) ?? result);
  const failed = results.filter((result) => result.status === 'non-compliant');
  return { ...evaluation, verdict: 'deny', results, failed };
}

/**
 * What a closed window's remedy says when the change could start at `at`: schedule it then, beside any other way
 * through the rule names; or, when its release, started then, would not end by the intent's own deadline, that the
 * deadline cannot be met and must move (or, through a freeze, that a break-glass gets an incident fix through now).
 */
function laterStartRemedy(
  ctx: PolicyContext,
  result: RuleResult,
  at: Date,
  durationMs: number,
  what: string,
): string {
  const utc = at.toISOString();
  const local = describeLocal(at, ctx.service.timeZone);
  // Another way through the rule names (`alternative`) stays beside a later start.
  const alternative = typeof result.context.alternative === 'string' ? result.context.alternative : undefined;
  const deadline = ctx.intent.constraints.deadline;
  const ends = new Date(at.getTime() + durationMs);
  if (deadline && ends.getTime() > Date.parse(deadline)) {
    const breakGlass =
      alternative ??
      (isFreezeRule(result.rule)
        ? `Or, if it fixes an incident, somebody who may declare an emergency on ${ctx.service.name} can break the freeze: authority.emergencyOverride with the incident named in change.fixes, approved by a reviewer of record.`
        : undefined);
    return `Its deadline (constraints.deadline ${deadline}) cannot be met: ${utc} (${local}) is ${what}, and its release would end at ${ends.toISOString()}. Move constraints.deadline to ${ends.toISOString()} or later and set constraints.notBefore to ${utc}.${breakGlass ? ` ${breakGlass}` : ''}`;
  }
  return `Schedule it for ${utc} (${local}), ${what}: set constraints.notBefore to ${utc}, or resubmit then.${alternative ? ` ${alternative}` : ''}`;
}

/** The built-in freeze rule and the per-service ones `freezeWindowRule` builds: a break-glass gets through them. */
function isFreezeRule(rule: string): boolean {
  return rule === 'operational-freeze-window' || rule.startsWith('operational-freeze-');
}
