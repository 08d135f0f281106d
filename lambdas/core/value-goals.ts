/*
 * A goal's value is realised once. Its value model states what reaching the goal is worth (the seed's total value
 * over a horizon, as $/hour); a second change toward the same goal does not reach it again, so adding its value
 * per hour again would count one business case as many. The report counts the first change released toward a goal
 * in its window as the one that carries it, and the others as released changes that add no value.
 */

/** What of a concluded intent the goal count reads (`ConcludedIntent` of `value-report.ts` has it). */
interface ConcludedIntent {
  intentId: string;
  outcome: string;
  goal?: GoalOf | null;
}

/** A goal's identity: its outcome and metric, as declared (`goal.outcome`, `goal.metric`). */
export interface GoalOf {
  outcome: string;
  metric: string;
}

/** A goal more than one released change in the window went toward, and the change whose value is counted. */
export interface RepeatedGoal extends GoalOf {
  released: number;
  countedIntentId: string;
}

const goalKey = (goal: GoalOf) => JSON.stringify([goal.outcome.trim(), goal.metric.trim()]);

/**
 * The released intents toward a goal an earlier released intent in the list already went toward (in the list's
 * order: the ledger's). An intent whose declaration records no goal is never one.
 */
export function repeatedGoalReleases<T extends ConcludedIntent>(intents: readonly T[]): Set<T> {
  const seen = new Set<string>();
  const repeats = new Set<T>();
  for (const intent of intents) {
    if (intent.outcome !== 'released' || !intent.goal) continue;
    const key = goalKey(intent.goal);
    if (seen.has(key)) repeats.add(intent);
    else seen.add(key);
  }
  return repeats;
}

/** The goals more than one released intent went toward, in the order their value was first counted. */
export function repeatedGoals(intents: readonly ConcludedIntent[]): RepeatedGoal[] {
  const goals = new Map<string, RepeatedGoal>();
  for (const intent of intents) {
    if (intent.outcome !== 'released' || !intent.goal) continue;
    const key = goalKey(intent.goal);
    const goal = goals.get(key);
    if (goal) goal.released += 1;
    else
      goals.set(key, {
        outcome: intent.goal.outcome,
        metric: intent.goal.metric,
        released: 1,
        countedIntentId: intent.intentId,
      });
  }
  return [...goals.values()].filter((goal) => goal.released > 1);
}
