import type { AlarmTick } from '../../../lambdas/adapters/local/cloudwatch-simulator.js';

export type { AlarmTick, AlarmView } from '../../../lambdas/adapters/local/cloudwatch-simulator.js';

/**
 * Where the AppConfig endpoint learns what its monitors' alarms said. CloudWatch evaluates a metric alarm once
 * a minute; AppConfig rolls a deployment back on the first evaluation that finds an alarm in ALARM or
 * INSUFFICIENT_DATA whose actions are enabled. A source answers, for each minute-aligned evaluation instant
 * in (afterMs, throughMs], every named alarm's state and whether its actions were enabled then.
 */
export interface AlarmStateSource {
  alarmHistory(alarmNames: readonly string[], afterMs: number, throughMs: number): Promise<AlarmTick[]>;
}

/** The minute-aligned evaluation instants in (afterMs, throughMs]. */
export function evaluationInstants(afterMs: number, throughMs: number): number[] {
  const instants: number[] = [];
  for (let at = Math.floor(afterMs / 60_000) * 60_000 + 60_000; at <= throughMs; at += 60_000) {
    instants.push(at);
  }
  return instants;
}
