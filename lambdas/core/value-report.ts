import * as z from 'zod';
import type { StoredEntry } from '../ports/ledger-store.js';
import { type ValueModel, valueModelSchema } from './intent.js';
import {
  admissionPayload,
  deploymentEventReadPayload,
  intentConcludedPayload,
  intentDeclaredPayload,
  payloadOf,
} from './ledger/entry-payloads.js';
import { compoundedValuePerHour, valuePerHour } from './value.js';
import { type GoalOf, repeatedGoalReleases } from './value-goals.js';

/**
 * The $/hour report: value per hour, time to value and cost of delay aggregated over any combination of
 * grouping dimensions (intent tags from the enterprise taxonomy, plus service, kind, tier and outcome), and
 * the four DORA figures, all computed from the ledger alone.
 */
export interface ConcludedIntent {
  intentId: string;
  outcome: string;
  service: string | null;
  kind: string | null;
  tier: number | null;
  /**
   * The team the change's authority claims (`authority.team`), which the door checks the caller holds: whom the
   * change is attributed to, as `itv list --team` reads it. Null when the declaration records none.
   */
  team?: string | null;
  /** The goal the change went toward (`goal.outcome`, `goal.metric`); null when the declaration records none. */
  goal?: GoalOf | null;
  tags: Record<string, string>;
  valuePerHourUsd: number;
  /**
   * The cost of delay this attempt adds: Learn's figure, from the instant it counts from (a later attempt's is its
   * first attempt's declaration) to its end, less the stretch before the previous attempt concluded, which that
   * attempt's own figure holds. So the attempts of one change add up to its delay counted once.
   */
  costOfDelayUsd: number;
  timeToValueSeconds: number | null;
  concludedAt: string;
  /**
   * Seconds from the failed release's start (when users began to get the change) to its rollback's completion,
   * for rolled-back intents: DORA's failed deployment recovery time.
   */
  restoreSeconds: number | null;
  /**
   * What the release said about the change (`intent.concluded`'s `releaseVerdict`): `regressed` is a change
   * failure whatever the outcome; null (or absent, in a summary made before it was kept) when none was recorded,
   * and then the outcome decides (`isFailedChange`).
   */
  releaseVerdict?: 'clean' | 'regressed' | 'not-judged' | null;
  /**
   * The confidence its kind of change had as it concluded and the rollout strategy it released with, as Learn
   * recorded them: what the compounding curve shows beside its time to value. Null (or absent) when not recorded.
   */
  confidence?: number | null;
  strategy?: string | null;
  /**
   * Seconds of its time to value its release took: from the start of its last release (the one that delivered it,
   * its `release.started`) to the value. The rest of its time to value is waiting — queued for its lane, for its
   * reviewer, for CI's checks — which its rollout strategy, and so the confidence its kind earned, does not set.
   * Null (or absent, in a summary made before it was kept) without a release or a recorded start.
   */
  releaseSeconds?: number | null;
  /** The employees the value model names, or null: no headcount is assumed. */
  employeeCount: number | null;
  growthModel: ValueModel['growth']['model'];
  /**
   * The seed's `compounded_value / (years × 365 × 24)` under the model's growth; the flat figure for `none`; null
   * when it is not a finite number (overflow: a model the door refuses now, on an entry recorded before).
   */
  compoundedValuePerHourUsd: number | null;
}

/** Figures that add up across groups: a group's, or all groups' together (`valueTotals`). */
export interface ValueSums {
  intents: number;
  released: number;
  /**
   * Of `intents`, those whose execution failed before they concluded (outcome `failed`): counted, with no value
   * realised. Absent from a report made before they were counted.
   */
  failed?: number;
  /**
   * Sum of value per hour of the intents released in the window: each over its value model's horizon, which may
   * have ended since, so not the value flowing at any one instant.
   */
  valuePerHourUsd: number;
  /**
   * The same under each intent's growth model (compounded over its horizon), beside the flat figure; null when
   * it overflows, as any sum with an overflowed figure in it does.
   */
  compoundedValuePerHourUsd: number | null;
  /**
   * `Σ (value_per_hour / employee_count)` over the released intents whose value model names its employees: each
   * change's value per hour per employee of the headcount it names (the seed's per-employee $/hour), added up, so
   * three $50/h changes for one 100-person team are $1.50 (Σ÷Σ would say $0.50, and fall as more was released to
   * the same people); null when none names its employees. Intents without a count are left out, never assumed.
   */
  valuePerHourPerEmployeeUsd: number | null;
  /**
   * Σ employee_count over those intents: the headcounts they name added up, one team's counted once per change
   * that names it (three changes for one 60-person team are 180), so not a count of distinct people. The changes
   * do not say whether two headcounts are the same people; `releasedWithEmployees` says how many are added.
   */
  employeeCountSum: number;
  /** How many released intents name their employees (out of `released`). */
  releasedWithEmployees: number;
  /**
   * Released intents toward a goal an earlier released intent in the window went toward: counted as released, but
   * adding no value per hour (flat, per employee or compounded), since a goal's value is realised once
   * (`value-goals.ts`).
   */
  repeatedGoalReleases: number;
  costOfDelayUsd: number;
}

export interface ValueGroup extends ValueSums {
  /** The group's value of each dimension: null where its intents have none (no such tag), never `-`. */
  key: Record<string, string | null>;
  medianTimeToValueSeconds: number | null;
  /** The growth models of the released intents, sorted (their formulas: `growthFormulas`). */
  growthModels: string[];
}

export interface DoraFigures {
  /**
   * The timestamps the figures are computed over: the window asked for (`since`, `until`), an open side closed by
   * the first or last conclusion within it, and the window in days (at least one: a burst of releases within an
   * hour is that many in a day, not extrapolated to hundreds a day), `spanDays` how long it is (`doraOverTime.window`
   * says both the same way); null when nothing concluded in it. They are
   * the ledger's timestamps, so on the local runtime they are its virtual clock's. `firstConcludedAt` and
   * `lastConcludedAt` are the first and last conclusion within it.
   */
  window: {
    from: string;
    to: string;
    days: number;
    spanDays: number;
    firstConcludedAt: string;
    lastConcludedAt: string;
  } | null;
  /**
   * Median seconds to released value, counted from the declaration or, for a change scheduled for later
   * (`notBefore`, a future timestamp), from its due instant: the wait its requester chose is not lead time.
   */
  leadTimeSeconds: number | null;
  /** Released changes per day over the window. */
  deploymentsPerDay: number | null;
  /**
   * Failed changes (`isFailedChange`: verdict `regressed`) / changes that reached users (`isDeployedChange`:
   * released, failed, or rolled back for no fault of the change).
   */
  changeFailureRate: number | null;
  /** Median seconds from a failed change's release start to its rollback's end, over the failed changes only. */
  timeToRestoreSeconds: number | null;
}

/** An entry's instant in UTC (entries may carry an offset): `2026-11-04T15:13:00.000Z`. */
const utcOf = (instant: string) => new Date(Date.parse(instant)).toISOString();

const builtIn: Record<string, (c: ConcludedIntent) => string | null> = {
  service: (c) => c.service,
  kind: (c) => c.kind,
  team: (c) => c.team ?? null,
  tier: (c) => (c.tier === null ? null : String(c.tier)),
  outcome: (c) => c.outcome,
  concludedYear: (c) => utcOf(c.concludedAt).slice(0, 4),
  concludedQuarter: (c) => {
    const at = utcOf(c.concludedAt);
    return `${at.slice(0, 4)}-Q${Math.floor((Number(at.slice(5, 7)) - 1) / 3) + 1}`;
  },
  concludedMonth: (c) => utcOf(c.concludedAt).slice(0, 7),
};

/**
 * The entries that end an intent for the value report, in ledger order: each `intent.concluded`, and the first
 * `stage.failed` of an intent that had not concluded before it — a failed execution records no conclusion
 * (RecordFailure's entry ends it), and leaving it out would hide it from the report's counts. A failure after a
 * conclusion (its seal failed, say) ends nothing: the intent is counted once, as it concluded.
 */
export function valueEndings(entries: readonly StoredEntry[]): StoredEntry[] {
  const ended = new Set<string>();
  return entries.filter(({ entry }) => {
    if (entry.type === 'intent.concluded') {
      ended.add(entry.intentId);
      return true;
    }
    if (entry.type !== 'stage.failed' || ended.has(entry.intentId)) return false;
    ended.add(entry.intentId);
    return true;
  });
}

/**
 * One record per concluded intent, read from its `intent.concluded` entry and its release events; and one per
 * intent that failed before concluding (`valueEndings`), with outcome `failed`: what its declaration and admission
 * say of it, no value realised, no time to value and no cost of delay (RecordFailure records none; a retry's
 * attempt counts its delay from the first attempt's declaration).
 */
export function concludedIntents(entries: readonly StoredEntry[]): ConcludedIntent[] {
  const rollback = new Map<string, { started?: number; completed?: number }>();
  const models = new Map<string, ValueModel>();
  const teams = new Map<string, string>();
  const goals = new Map<string, GoalOf>();
  // What a failed intent's record is made of, having no conclusion to read it from.
  const declarations = new Map<
    string,
    { service: string | null; kind: string | null; tags: Record<string, string> }
  >();
  const tiers = new Map<string, number>();
  // A later attempt's previous attempt, and when each intent concluded: where the next attempt's delay begins.
  const previousAttempt = new Map<string, string>();
  const concludedAt = new Map<string, number>();
  // When each intent's last release started: the one that delivered its value, should a first have been preempted.
  const releaseStartedAt = new Map<string, number>();
  for (const { entry } of entries) {
    if (entry.type === 'intent.declared') {
      const payload = payloadOf(entry, intentDeclaredPayload);
      const declared = payload.intent as {
        goal?: { valueModel?: unknown; outcome?: unknown; metric?: unknown };
        authority?: { team?: unknown };
        change?: { service?: unknown; kind?: unknown };
      };
      declarations.set(entry.intentId, {
        service: typeof declared.change?.service === 'string' ? declared.change.service : null,
        kind: typeof declared.change?.kind === 'string' ? declared.change.kind : null,
        tags: ownTags(payload.tags),
      });
      const { outcome, metric } = declared.goal ?? {};
      if (typeof outcome === 'string' && typeof metric === 'string')
        goals.set(entry.intentId, { outcome, metric });
      const team = declared.authority?.team;
      if (typeof team === 'string') teams.set(entry.intentId, team);
      const model = valueModelSchema.safeParse(declared.goal?.valueModel);
      if (model.success) models.set(entry.intentId, model.data);
      const previous = (payload.attempt as { previousIntentId?: unknown } | undefined)?.previousIntentId;
      if (typeof previous === 'string') previousAttempt.set(entry.intentId, previous);
    }
    if (entry.type === 'intent.concluded') concludedAt.set(entry.intentId, Date.parse(entry.timestamp));
    if (entry.type.startsWith('admission.')) {
      // Only a failed intent's record reads it: an entry that does not say leaves its tier unknown, never the report broken.
      const tier = admissionPayload.safeParse(entry.payload).data?.tier;
      if (typeof tier === 'number') tiers.set(entry.intentId, tier);
    }
    if (entry.type === 'release.started') {
      const times = rollback.get(entry.intentId) ?? {};
      // The failed release's start: the first one, should a queued intent have been started again.
      times.started ??= Date.parse(entry.timestamp);
      rollback.set(entry.intentId, times);
      const startedAt = releaseStartedRead.safeParse(entry.payload).data?.startedAt;
      releaseStartedAt.set(entry.intentId, Date.parse(startedAt ?? entry.timestamp));
    }
    if (entry.type === 'release.rollback-started' || entry.type === 'release.rollback-completed') {
      const times = rollback.get(entry.intentId) ?? {};
      const at = Date.parse(payloadOf(entry, deploymentEventReadPayload).at ?? entry.timestamp);
      if (entry.type === 'release.rollback-started') times.started ??= at;
      else times.completed = at;
      rollback.set(entry.intentId, times);
    }
  }
  const restoreSecondsOf = (intentId: string) => {
    const times = rollback.get(intentId);
    return times?.started !== undefined && times.completed !== undefined
      ? Math.max(0, (times.completed - times.started) / 1000)
      : null;
  };
  return valueEndings(entries).map(({ entry }): ConcludedIntent => {
    if (entry.type === 'stage.failed') {
      const declared = declarations.get(entry.intentId);
      const model = models.get(entry.intentId);
      return {
        intentId: entry.intentId,
        outcome: 'failed',
        service: declared?.service ?? null,
        kind: declared?.kind ?? null,
        tier: tiers.get(entry.intentId) ?? null,
        team: teams.get(entry.intentId) ?? null,
        goal: goals.get(entry.intentId) ?? null,
        tags: declared?.tags ?? {},
        // The declared figure, as a conclusion without a release records it; only released intents add it up.
        valuePerHourUsd: model ? valuePerHour(model) : 0,
        costOfDelayUsd: 0,
        timeToValueSeconds: null,
        concludedAt: entry.timestamp,
        releaseVerdict: null,
        confidence: null,
        strategy: null,
        releaseSeconds: null,
        restoreSeconds: restoreSecondsOf(entry.intentId),
        employeeCount: model?.employeeCount ?? null,
        growthModel: model?.growth.model ?? 'none',
        compoundedValuePerHourUsd: model ? finiteSum([compoundedValuePerHour(model)]) : 0,
      };
    }
    const p = payloadOf(entry, intentConcludedPayload);
    const model = models.get(entry.intentId);
    const valuePerHourUsd = Number(p.valuePerHourUsd ?? 0);
    const previousEnd = concludedAt.get(previousAttempt.get(entry.intentId) ?? '');
    return {
      intentId: entry.intentId,
      outcome: String(p.outcome ?? 'unknown'),
      service: p.service ?? null,
      kind: p.kind ?? null,
      tier: p.tier ?? null,
      team: teams.get(entry.intentId) ?? null,
      goal: goals.get(entry.intentId) ?? null,
      tags: p.tags ?? {},
      valuePerHourUsd,
      costOfDelayUsd: attemptCostOfDelay(
        Number(p.costOfDelayUsd ?? 0),
        valuePerHourUsd,
        p.countedFrom,
        previousEnd,
      ),
      timeToValueSeconds: p.timeToValueSeconds ?? null,
      concludedAt: entry.timestamp,
      releaseVerdict: p.releaseVerdict ?? null,
      confidence: p.confidence ?? null,
      strategy: p.strategy ?? null,
      releaseSeconds: releaseSecondsOf(
        p.timeToValueSeconds ?? null,
        p.countedFrom,
        releaseStartedAt.get(entry.intentId),
      ),
      restoreSeconds: restoreSecondsOf(entry.intentId),
      employeeCount: model?.employeeCount ?? null,
      growthModel: model?.growth.model ?? 'none',
      // Only a released change's value flows; the flat figure Learn recorded stands when no model is on record.
      compoundedValuePerHourUsd: finiteSum([model ? compoundedValuePerHour(model) : valuePerHourUsd]),
    };
  });
}

/** `release.started`: when the release began (entries written before it was kept: the entry's timestamp). */
const releaseStartedRead = z.looseObject({ startedAt: z.string().optional() });

/**
 * The part of a time to value its release took: from the release's start to the value (`countedFrom` + time to
 * value, the instant Learn counted it at), never more than the time to value nor less than nothing. Null without
 * a time to value, its start, or the instant it was counted from (a conclusion recorded before it was kept).
 */
function releaseSecondsOf(
  timeToValueSeconds: number | null,
  countedFrom: string | undefined,
  startedAt: number | undefined,
): number | null {
  if (timeToValueSeconds === null || countedFrom === undefined || startedAt === undefined) return null;
  const valueAt = Date.parse(countedFrom) + timeToValueSeconds * 1000;
  if (!Number.isFinite(valueAt) || !Number.isFinite(startedAt)) return null;
  return Math.min(timeToValueSeconds, Math.max(0, (valueAt - startedAt) / 1000));
}

/** A declaration's tags, when it records them as a string map; none otherwise. */
function ownTags(tags: unknown): Record<string, string> {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) return {};
  return Object.fromEntries(
    Object.entries(tags).filter((pair): pair is [string, string] => typeof pair[1] === 'string'),
  );
}

/**
 * The cost of delay an attempt adds to its change's: Learn's figure (`value_per_hour × hours` from `countedFrom`,
 * a later attempt's first attempt's declaration) less `value_per_hour × hours` from `countedFrom` to the previous
 * attempt's conclusion, which the previous attempt's own figure counts. A first attempt, or a conclusion recorded
 * without `countedFrom` (before it was kept), adds its figure as recorded.
 *
 * @example attemptCostOfDelay(1.9167, 10, '2026-11-04T15:39:00Z', Date.parse('2026-11-04T15:42:00Z')) // 1.4167
 */
export function attemptCostOfDelay(
  recorded: number,
  valuePerHourUsd: number,
  countedFrom: string | undefined,
  previousConcludedAt: number | undefined,
): number {
  const from = countedFrom === undefined ? Number.NaN : Date.parse(countedFrom);
  if (previousConcludedAt === undefined || !Number.isFinite(from)) return recorded;
  const counted = valuePerHourUsd * (Math.max(0, previousConcludedAt - from) / 3_600_000);
  return Math.max(0, recorded - counted);
}

/** The prefix that names a tag as a dimension whatever its name: `tag:team` is the free-text tag `team`. */
export const tagDimensionPrefix = 'tag:';

/**
 * An intent's values of the dimensions, in their order: a built-in's value, or the tag's, null when it has none
 * (a tag whose value is `-` is that value, not none). A
 * bare name is the built-in dimension when there is one (`team`: the authority's), else the tag; `tag:NAME` is
 * always the tag.
 */
export function dimensionKey(
  dimensions: readonly string[],
): (intent: ConcludedIntent) => Array<string | null> {
  // Own keys only: `constructor`, `toString` … are every object's, not a built-in nor a tag the intent carries.
  const tagReader = (tag: string) => (c: ConcludedIntent) =>
    Object.hasOwn(c.tags, tag) ? (c.tags[tag] ?? null) : null;
  const readers = dimensions.map((d) =>
    d.startsWith(tagDimensionPrefix)
      ? tagReader(d.slice(tagDimensionPrefix.length))
      : Object.hasOwn(builtIn, d)
        ? builtIn[d]!
        : tagReader(d),
  );
  return (intent) => readers.map((read) => read(intent));
}

/**
 * A change failure, as DORA counts it: a deployment that degraded the service — its release's verdict is
 * `regressed` (an alarm rolled it back, froze it or held it, or it released with its SLOs breached). A `clean` or
 * `not-judged` release did not fail: a rollback forced by a policy breach (a revoked delegation) is no fault of
 * the change. An entry without a verdict falls back to its outcome: rolled back, held, frozen or rolled forward.
 */
export function isFailedChange(intent: ConcludedIntent): boolean {
  if (intent.releaseVerdict === 'regressed') return true;
  if (intent.releaseVerdict === 'clean' || intent.releaseVerdict === 'not-judged') return false;
  // A change held after a regression, by a person or because nobody decided, failed as a frozen one did, and so
  // did one left rolling forward from a regression.
  return ['rolled-back', 'frozen', 'held', 'rolled-forward'].includes(intent.outcome);
}

/**
 * A change that reached users, the change failure rate's denominator: released, failed, or rolled back for a
 * reason that was no fault of the change.
 */
export function isDeployedChange(intent: ConcludedIntent): boolean {
  return intent.outcome === 'released' || intent.outcome === 'rolled-back' || isFailedChange(intent);
}

/** The sum of figures, or null (overflow) when one is null or the sum is not a finite number. */
function finiteSum(figures: ReadonlyArray<number | null>): number | null {
  let total = 0;
  for (const figure of figures) {
    if (figure === null) return null;
    total += figure;
  }
  return Number.isFinite(total) ? total : null;
}

/** Groups by the given dimensions (`region`, `service`, `team,quarter` …); an intent without a tag groups under null. */
export function valueReport(
  intents: readonly ConcludedIntent[],
  dimensions: readonly string[],
): ValueGroup[] {
  const groups = new Map<string, ConcludedIntent[]>();
  const keyOf = dimensionKey(dimensions);
  const repeats = repeatedGoalReleases(intents);
  for (const intent of intents) {
    const id = JSON.stringify(keyOf(intent));
    const members = groups.get(id);
    // Appending in place: copying the group per member made grouping quadratic in the group's size.
    if (members) members.push(intent);
    else groups.set(id, [intent]);
  }
  return [...groups.entries()]
    .map(([id, members]) => {
      const values = JSON.parse(id) as Array<string | null>;
      const released = members.filter((m) => m.outcome === 'released');
      // A goal's value is realised once: a later change toward it adds none (`value-goals.ts`).
      const valued = released.filter((m) => !repeats.has(m));
      const counted = valued.filter((m) => m.employeeCount !== null);
      const employeeCountSum = counted.reduce((sum, m) => sum + (m.employeeCount ?? 0), 0);
      return {
        key: Object.fromEntries(dimensions.map((d, i) => [d, values[i] ?? null])),
        intents: members.length,
        released: released.length,
        failed: members.filter((m) => m.outcome === 'failed').length,
        valuePerHourUsd: valued.reduce((sum, m) => sum + m.valuePerHourUsd, 0),
        compoundedValuePerHourUsd: finiteSum(valued.map((m) => m.compoundedValuePerHourUsd)),
        valuePerHourPerEmployeeUsd: perEmployee(counted),
        employeeCountSum,
        releasedWithEmployees: counted.length,
        repeatedGoalReleases: released.length - valued.length,
        costOfDelayUsd: members.reduce((sum, m) => sum + m.costOfDelayUsd, 0),
        medianTimeToValueSeconds: median(
          released.flatMap((m) => (m.timeToValueSeconds === null ? [] : [m.timeToValueSeconds])),
        ),
        growthModels: [...new Set(released.map((m) => m.growthModel))].sort(),
      };
    })
    .sort((a, b) => b.valuePerHourUsd - a.valuePerHourUsd);
}

/** `Σ (value_per_hour / employee_count)` over intents that name their employees; null for none. */
function perEmployee(counted: ReadonlyArray<{ valuePerHourUsd: number; employeeCount: number | null }>) {
  const named = counted.filter((m) => m.employeeCount !== null && m.employeeCount > 0);
  return named.length > 0
    ? named.reduce((sum, m) => sum + m.valuePerHourUsd / (m.employeeCount as number), 0)
    : null;
}

/**
 * The groups added up. Per-employee $/hour adds the groups' (each intent is in one group, so the sum of every
 * change's value per hour per employee); medians do not add, so there is none.
 */
export function valueTotals(groups: readonly ValueGroup[]): ValueSums {
  const sum = (figure: (g: ValueGroup) => number) => groups.reduce((total, g) => total + figure(g), 0);
  const employeeCountSum = sum((g) => g.employeeCountSum);
  const named = groups.filter((g) => g.valuePerHourPerEmployeeUsd !== null);
  return {
    intents: sum((g) => g.intents),
    released: sum((g) => g.released),
    failed: sum((g) => g.failed ?? 0),
    valuePerHourUsd: sum((g) => g.valuePerHourUsd),
    compoundedValuePerHourUsd: finiteSum(groups.map((g) => g.compoundedValuePerHourUsd)),
    valuePerHourPerEmployeeUsd:
      named.length > 0 ? named.reduce((total, g) => total + (g.valuePerHourPerEmployeeUsd ?? 0), 0) : null,
    employeeCountSum,
    releasedWithEmployees: sum((g) => g.releasedWithEmployees),
    repeatedGoalReleases: sum((g) => g.repeatedGoalReleases ?? 0),
    costOfDelayUsd: sum((g) => g.costOfDelayUsd),
  };
}

/** The seed's formula for each growth model, in the order given: what the compounded figure means. */
const formulas: Record<ValueModel['growth']['model'], string> = {
  none: 'value_per_hour = total_value_usd / (years × 365 × 24)',
  discrete: 'compounded_value_per_hour = total_value_usd × (1 + rate)^years / (years × 365 × 24)',
  continuous: 'compounded_value_per_hour = total_value_usd × e^(rate × years) / (years × 365 × 24)',
  compound:
    'compounded_value_per_hour = total_value_usd × e^((rate + flywheel_rate) × years) / (years × 365 × 24)',
};

export function growthFormulas(models: readonly string[]): string[] {
  return models.map((model) => `${model}: ${formulas[model as keyof typeof formulas] ?? 'unknown model'}`);
}

/**
 * DORA's four keys from the intents concluded within the window asked for (all of them when it is open).
 *
 * @example doraFigures(fourOnNov4, { since: '2026-11-01T00:00:00.000Z', until: '2026-11-08T00:00:00.000Z' })
 *   // deploymentsPerDay 4 / 7, window.days 7
 */
export function doraFigures(
  intents: readonly ConcludedIntent[],
  // A `ValueWindow` (value-window.ts, which reads this module's types): the bounds as ISO instants, null if open.
  asked: { since: string | null; until: string | null } = { since: null, until: null },
): DoraFigures {
  const released = intents.filter((i) => i.outcome === 'released');
  const failed = intents.filter(isFailedChange);
  const deployed = intents.filter(isDeployedChange).length;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const intent of intents) {
    const at = Date.parse(intent.concludedAt);
    if (at < first) first = at;
    if (at > last) last = at;
  }
  const from = asked.since === null ? first : Date.parse(asked.since);
  const to = asked.until === null ? last : Date.parse(asked.until);
  const window =
    intents.length > 0
      ? {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          days: Math.max(1, (to - from) / 86_400_000),
          spanDays: (to - from) / 86_400_000,
          firstConcludedAt: new Date(first).toISOString(),
          lastConcludedAt: new Date(last).toISOString(),
        }
      : null;
  return {
    window,
    leadTimeSeconds: median(
      released.flatMap((i) => (i.timeToValueSeconds === null ? [] : [i.timeToValueSeconds])),
    ),
    deploymentsPerDay: window && released.length > 0 ? released.length / window.days : null,
    changeFailureRate: deployed > 0 ? failed.length / deployed : null,
    timeToRestoreSeconds: median(
      failed.flatMap((i) => (i.restoreSeconds === null ? [] : [i.restoreSeconds])),
    ),
  };
}

/**
 * Time to value split into what the release took and the waiting before it (queued for a lane, for a reviewer, for
 * CI's checks), each a median over the released changes: what earned confidence speeds up is the release alone.
 */
export interface TimeToValueSplit {
  /** Released changes in the window. */
  released: number;
  /** Median time to value over them (DORA's lead time). */
  medianSeconds: number | null;
  /** Of `released`, those whose release time is recorded (`ConcludedIntent.releaseSeconds`). */
  releaseTimed: number;
  /** Median release time and median waiting (time to value less release time) over `releaseTimed`. */
  medianReleaseSeconds: number | null;
  medianWaitingSeconds: number | null;
}

/** The released changes' time to value, release time and waiting, each as a median. */
export function timeToValueSplit(intents: readonly ConcludedIntent[]): TimeToValueSplit {
  const released = intents.filter((i) => i.outcome === 'released');
  const timed = released.flatMap((i) =>
    i.timeToValueSeconds === null || i.releaseSeconds === null || i.releaseSeconds === undefined
      ? []
      : [{ release: i.releaseSeconds, waiting: Math.max(0, i.timeToValueSeconds - i.releaseSeconds) }],
  );
  return {
    released: released.length,
    medianSeconds: median(
      released.flatMap((i) => (i.timeToValueSeconds === null ? [] : [i.timeToValueSeconds])),
    ),
    releaseTimed: timed.length,
    medianReleaseSeconds: median(timed.map((t) => t.release)),
    medianWaitingSeconds: median(timed.map((t) => t.waiting)),
  };
}

/** The median of the figures, null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
