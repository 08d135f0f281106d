import { createLocalRelease } from '../lambdas/adapters/local/appconfig-simulator.js';
import type { SimulatedFault } from '../lambdas/adapters/local/simulated-deployment.js';
import { VirtualClock } from '../lambdas/adapters/local/virtual-clock.js';
import { confidenceLowerBound } from '../lambdas/core/confidence.js';
import { isInProgress } from '../lambdas/core/release/deployment-status.js';
import {
  chooseStrategy,
  defaultAlarmRule,
  deploymentTimeline,
  pollSecondsFor,
  type RiskTier,
  type ServiceBaseline,
  strategyByName,
  strategyLadder,
} from '../lambdas/core/release/index.js';
import type { DeploymentStatus, DeploymentStrategy } from '../lambdas/ports/releaser.js';
// The in-memory StateStore the unit tests use: the bench measures virtual time, not storage.
import { counterIds, MemoryStateStore } from '../test/unit/release/helpers/memory-state-store.js';
import { percentile } from './stats.js';

/**
 * The release figures, all in virtual time on the AppConfig simulator, polled the way the state machine polls
 * (every `pollSecondsFor(strategy)`):
 * - time to value per risk tier, with no earned confidence and after 4 and 13 clean releases of the kind:
 *   deployment start → COMPLETE (what Learn records), and when the poll that sees it runs;
 * - rollback detection delay after an injected fault, against the alarm's own minimum (period × datapoints to
 *   alarm): fault onset (the step that brings the rollout to the fault's percentage) → automatic rollback, for
 *   deployments starting at several seconds past the minute, and the faults no alarm caught before completion.
 */

const t0 = new Date('2026-11-02T10:00:00.000Z');
const startOffsetsSeconds = [0, 20, 40];
const baseline: ServiceBaseline = {
  errorRate: 0.001,
  latencyP99Ms: 200,
  availabilityObjective: 0.995,
  errorBudgetRemaining: 0.8,
};

interface Polled {
  status: DeploymentStatus;
  /** Seconds from the start to the poll that saw the deployment end. */
  observedSeconds: number;
  polls: number;
}

/** Starts one deployment `offsetSeconds` after t0 on a fresh simulator and polls it to its end. */
async function releaseOnce(
  strategy: DeploymentStrategy,
  fault?: SimulatedFault,
  offsetSeconds = 0,
): Promise<Polled> {
  const store = new MemoryStateStore();
  const start = new Date(t0.getTime() + offsetSeconds * 1000);
  const clock = new VirtualClock(start);
  const { releaser } = createLocalRelease({
    store,
    clock,
    ids: counterIds(),
    baselines: { svc: baseline },
    faults: async () => fault,
  });
  let status = await releaser.start({
    intentId: 'bench',
    service: 'svc',
    environment: 'svc-prod',
    profile: 'flags',
    content: {},
    strategy,
    description: 'bench',
  });
  const pollMs = pollSecondsFor(strategy) * 1000;
  let polls = 0;
  while (isInProgress(status.state)) {
    clock.advance(pollMs);
    polls++;
    status = await releaser.check('svc', 'svc-prod', status.deploymentId);
  }
  return { status, observedSeconds: (clock.now().getTime() - start.getTime()) / 1000, polls };
}

function minutesSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m}m ${String(s).padStart(2, '0')}s`;
}

function row(cells: Array<string | number>, widths: number[]): string {
  return cells
    .map((cell, i) => String(cell).padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

async function timeToValueLines(): Promise<string[]> {
  // Confidence 0.05 (no rung earned), 0.549 after 4 clean releases (one rung, ≥ 0.5), 0.807 after 13 (two, ≥ 0.8).
  const histories = [0, 4, 13];
  const widths = [4, 22, 40, 14, 14, 5];
  const lines = [
    'virtual time to value per tier (deployment start → COMPLETE, as Learn records it; review waits excluded)',
    row(['tier', 'clean releases (conf)', 'strategy', 'time to value', 'seen at poll', 'polls'], widths),
  ];
  for (const tier of [0, 1, 2, 3] as RiskTier[]) {
    for (const successes of histories) {
      const confidence = confidenceLowerBound({ successes, failures: 0 });
      const strategy = chooseStrategy({ tier, confidence });
      const polled = await releaseOnce(strategy);
      const valueSeconds = (Date.parse(polled.status.completedAt!) - t0.getTime()) / 1000;
      lines.push(
        row(
          [
            tier,
            `${successes} (${confidence.toFixed(2)})`,
            strategy.name,
            minutesSeconds(valueSeconds),
            minutesSeconds(polled.observedSeconds),
            polled.polls,
          ],
          widths,
        ),
      );
    }
  }
  return lines;
}

async function detectionLines(): Promise<string[]> {
  const minimumSeconds = defaultAlarmRule.periodSeconds * defaultAlarmRule.datapointsToAlarm;
  const delays: number[] = [];
  const observed: number[] = [];
  const missed: string[] = [];
  const widths = [40, 8, 24, 24];
  const detail = [row(['strategy', 'fault at', 'rollback after onset', 'seen by a poll after'], widths)];
  // Every strategy itv may choose, the immediate one included.
  for (const name of strategyLadder) {
    const strategy = strategyByName(name);
    for (const atPercent of [0, 30, 100]) {
      const fault = { metric: 'errorRate' as const, value: 0.2, atPercent };
      const onsetSeconds = deploymentTimeline(strategy).steps.find(
        (s) => s.percentage >= atPercent,
      )!.atSeconds;
      const rollbacks: number[] = [];
      const seen: number[] = [];
      // Deployments start at any second; CloudWatch evaluates on the minute.
      for (const offset of startOffsetsSeconds) {
        const polled = await releaseOnce(strategy, fault, offset);
        if (polled.status.state !== 'ROLLED_BACK') {
          missed.push(
            `${name} with the fault from ${atPercent}% starting at :${String(offset).padStart(2, '0')}`,
          );
          continue;
        }
        const startMs = t0.getTime() + offset * 1000;
        rollbacks.push((Date.parse(polled.status.completedAt!) - startMs) / 1000 - onsetSeconds);
        seen.push(polled.observedSeconds - onsetSeconds);
      }
      delays.push(...rollbacks);
      observed.push(...seen);
      const range = (values: number[]) =>
        values.length === 0 ? 'never' : `${Math.min(...values)}–${Math.max(...values)} s`;
      detail.push(row([name, `${atPercent}%`, range(rollbacks), range(seen)], widths));
    }
  }
  const summary = (values: number[]) =>
    `min ${Math.min(...values)} s, median ${percentile(values, 50)} s, max ${Math.max(...values)} s`;
  return [
    `rollback detection delay after an injected fault (error rate 0.2 on the faulty share; alarm: ${defaultAlarmRule.datapointsToAlarm} of ${defaultAlarmRule.evaluationPeriods} datapoints of ${defaultAlarmRule.periodSeconds} s; starts at :${startOffsetsSeconds.join(', :')} past the minute)`,
    `  alarm's own minimum (period × datapoints to alarm): ${minimumSeconds} s for a fault that starts on a period boundary; one that starts mid-period already breaches its first, partial datapoint, so it can trip up to a period sooner`,
    `  onset → automatic rollback, ${delays.length} releases: ${summary(delays)} (${(percentile(delays, 50) / minimumSeconds).toFixed(2)}× the minimum at the median)`,
    `  onset → the state machine's poll that sees it: ${summary(observed)}`,
    `  not rolled back (the deployment completed before the alarm could reach ALARM): ${missed.length}`,
    ...detail.map((line) => `  ${line}`),
    ...missed.map((line) => `  missed: ${line}`),
  ];
}

/** Printable lines: time to value per tier, and rollback detection delay against the alarm's minimum. */
export async function runReleaseBench(): Promise<string[]> {
  return [...(await timeToValueLines()), '', ...(await detectionLines())];
}
