import type { AlarmState } from '../../../lambdas/core/release/alarm-evaluation.js';
import { type AlarmStateSource, type AlarmTick, evaluationInstants } from './alarm-state-source.js';

/**
 * An alarm-state source whose states a test writes down: each alarm is OK unless a window says otherwise, and
 * its actions are enabled unless the test disabled them. For the endpoint's rollback rules without CloudWatch.
 */
export class ScriptedAlarmStates implements AlarmStateSource {
  private readonly windows: Array<{ alarm: string; state: AlarmState; fromMs: number; untilMs: number }> = [];
  private readonly disabled = new Set<string>();

  /** `alarm` is in `state` at every evaluation in [from, until). */
  set(alarm: string, state: AlarmState, from: Date, until = new Date(8.64e15)): void {
    this.windows.push({ alarm, state, fromMs: from.getTime(), untilMs: until.getTime() });
  }

  disableActions(alarm: string): void {
    this.disabled.add(alarm);
  }

  private stateAt(alarm: string, atMs: number): AlarmState {
    const window = [...this.windows]
      .reverse()
      .find((w) => w.alarm === alarm && w.fromMs <= atMs && atMs < w.untilMs);
    return window?.state ?? 'OK';
  }

  async alarmHistory(
    alarmNames: readonly string[],
    afterMs: number,
    throughMs: number,
  ): Promise<AlarmTick[]> {
    return evaluationInstants(afterMs, throughMs).map((at) => ({
      at: new Date(at),
      alarms: alarmNames.map((name) => ({
        name,
        state: this.stateAt(name, at),
        actionsEnabled: !this.disabled.has(name),
      })),
    }));
  }
}
