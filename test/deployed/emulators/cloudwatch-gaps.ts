import type { Clock } from '../../../lambdas/ports/clock.js';

/**
 * What moto 5.2.1's CloudWatch lacks and the stack uses: DisableAlarmActions and EnableAlarmActions (moto
 * raises NotImplementedError, an HTTP 500). The suite's AWS request proxy asks `handle` first for every
 * CloudWatch request (awsJson1_0: `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, JSON body); what
 * it answers never reaches moto, everything else is forwarded unchanged, and DescribeAlarms responses pass
 * through `rewrite` so `ActionsEnabled` shows what was disabled. The registry keeps when each alarm's actions
 * changed, on the suite's clock, because AppConfig judges each alarm evaluation by the actions then
 * ("a deployment doesn't automatically roll back if actions have been disabled",
 * https://docs.aws.amazon.com/appconfig/latest/userguide/monitoring-deployments.html).
 */

export const cloudWatchTargetPrefix = 'GraniteServiceVersion20100801.';

/** The operation an `X-Amz-Target` header names, or undefined when it is not CloudWatch's. */
export function cloudWatchOperation(target: string | undefined): string | undefined {
  return target?.startsWith(cloudWatchTargetPrefix) ? target.slice(cloudWatchTargetPrefix.length) : undefined;
}

/** When each alarm's actions were disabled or enabled. */
export class AlarmActionsRegistry {
  private readonly changes = new Map<string, Array<{ atMs: number; enabled: boolean }>>();

  constructor(private readonly clock: Clock) {}

  set(alarmNames: readonly string[], enabled: boolean): void {
    const atMs = this.clock.now().getTime();
    for (const name of alarmNames) {
      const history = this.changes.get(name) ?? [];
      history.push({ atMs, enabled });
      this.changes.set(name, history);
    }
  }

  /** Whether the alarm's actions were enabled at `atMs`; undefined when they never changed through here. */
  enabledAt(alarmName: string, atMs: number): boolean | undefined {
    return this.changes
      .get(alarmName)
      ?.filter((change) => change.atMs <= atMs)
      .at(-1)?.enabled;
  }

  enabledNow(alarmName: string): boolean | undefined {
    return this.enabledAt(alarmName, this.clock.now().getTime());
  }
}

export interface CloudWatchReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const jsonHeaders = { 'content-type': 'application/x-amz-json-1.0' };

/** An awsJson1_0 error, with the awsQuery-compatible code header the CloudWatch SDK reads. */
function error(status: number, code: string, message: string): CloudWatchReply {
  return {
    status,
    headers: { ...jsonHeaders, 'x-amzn-query-error': `${code};Sender` },
    body: JSON.stringify({ __type: code, message }),
  };
}

export class CloudWatchGaps {
  constructor(readonly actions: AlarmActionsRegistry) {}

  /**
   * DisableAlarmActions / EnableAlarmActions: `AlarmNames` (1–100 names) in, an empty result out
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html).
   * Undefined for every other operation: forward it to moto.
   */
  handle(operation: string, body: string | Buffer): CloudWatchReply | undefined {
    if (operation !== 'DisableAlarmActions' && operation !== 'EnableAlarmActions') return undefined;
    let input: { AlarmNames?: unknown };
    try {
      input = JSON.parse(body.toString() || '{}') as { AlarmNames?: unknown };
    } catch {
      return error(400, 'InvalidParameterValue', 'The request body is not JSON');
    }
    const names = input.AlarmNames;
    if (!Array.isArray(names) || names.length === 0) {
      return error(400, 'MissingParameter', 'The parameter AlarmNames is required.');
    }
    if (names.length > 100 || !names.every((name) => typeof name === 'string' && name.length > 0)) {
      return error(400, 'InvalidParameterValue', 'AlarmNames must hold 1 to 100 alarm names.');
    }
    this.actions.set(names as string[], operation === 'EnableAlarmActions');
    return { status: 200, headers: jsonHeaders, body: '{}' };
  }

  /** DescribeAlarms with `ActionsEnabled` as DisableAlarmActions/EnableAlarmActions left it; others unchanged. */
  rewrite(operation: string, responseBody: string): string {
    if (operation !== 'DescribeAlarms') return responseBody;
    let response: Record<string, unknown>;
    try {
      response = JSON.parse(responseBody) as Record<string, unknown>;
    } catch {
      return responseBody; // an error page from moto: pass it on as it is
    }
    for (const kind of ['MetricAlarms', 'CompositeAlarms']) {
      const alarms = response[kind];
      if (!Array.isArray(alarms)) continue;
      for (const alarm of alarms as Array<{ AlarmName?: string; ActionsEnabled?: boolean }>) {
        const enabled = alarm.AlarmName === undefined ? undefined : this.actions.enabledNow(alarm.AlarmName);
        if (enabled !== undefined) alarm.ActionsEnabled = enabled;
      }
    }
    return JSON.stringify(response);
  }
}
