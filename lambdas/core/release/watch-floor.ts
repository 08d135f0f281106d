import { defaultAlarmRule } from './alarms.js';

/** The parts of a CloudWatch alarm that decide how soon it can reach ALARM. */
export interface AlarmTiming {
  periodSeconds: number;
  datapointsToAlarm: number;
}

/**
 * The watch floor: how long a release must stay at 100 % exposure before it completes, so that its slowest
 * monitor can reach ALARM on a regression that 100 % brings. An M-of-N alarm needs M breaching datapoints of
 * one period each; CloudWatch evaluates an alarm once a period on data that arrives up to a period late
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html, "Evaluating an
 * alarm"), so one more period is allowed. With itv's 2-of-3 one-minute alarms: 3 minutes.
 */
export function watchFloorSeconds(alarms: readonly AlarmTiming[] = [defaultAlarmRule]): number {
  return Math.max(0, ...alarms.map((a) => a.periodSeconds * a.datapointsToAlarm + a.periodSeconds));
}
