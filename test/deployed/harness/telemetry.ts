import {
  type AppConfigClient,
  GetDeploymentCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-appconfig';
import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  type ServiceMetric,
  serviceMetricNamespace,
  serviceMetricSpecs,
} from '../../../lambdas/core/release/alarms.js';
import type { ServiceBaseline } from '../../../lambdas/core/release/slo.js';

/**
 * The services' own telemetry, as they would publish it: one datapoint a minute of each rollback metric
 * (namespace `itv/Services`, dimension `Service`) at its baseline, put to CloudWatch on moto as virtual time
 * passes. A scenario may inject a regression — weighted by the share of traffic the deployment has moved to the
 * new configuration, read from AppConfig — or silence a service for a while (no datapoints at all).
 */

export interface InjectedFault {
  service: string;
  metric: ServiceMetric;
  value: number;
  /** The regression shows once the rollout has reached this percentage. */
  atPercent: number;
}

export class ServiceTelemetry {
  private publishedThroughMs: number;
  private readonly faults: InjectedFault[] = [];
  private readonly silences: Array<{ service: string; fromMs: number; toMs: number }> = [];
  private readonly bakeSilences: Array<{ service: string; minutes: number }> = [];

  constructor(
    private readonly cloudwatch: CloudWatchClient,
    private readonly appconfig: AppConfigClient,
    private readonly release: { applicationId: string; environmentOf: (service: string) => string },
    private readonly baselines: Readonly<Record<string, ServiceBaseline>>,
    start: Date,
  ) {
    this.publishedThroughMs = minuteOf(start.getTime()) - 5 * 60_000;
  }

  inject(fault: InjectedFault): void {
    this.faults.push(fault);
  }

  /** The service reports its baseline again: every fault injected for it is gone from the next minute on. */
  clearFaults(service: string): void {
    for (let i = this.faults.length - 1; i >= 0; i--) {
      if (this.faults[i]!.service === service) this.faults.splice(i, 1);
    }
  }

  /** No datapoints for `service` from `from` for `minutes`. */
  silence(service: string, from: Date, minutes: number): void {
    this.silences.push({ service, fromMs: from.getTime(), toMs: from.getTime() + minutes * 60_000 });
  }

  /** No datapoints for `service` during the first `minutes` of its next deployment's final bake. */
  silenceDuringBake(service: string, minutes: number): void {
    this.bakeSilences.push({ service, minutes });
  }

  /** Publishes every minute up to and including the one `now` falls in. */
  async publishThrough(now: Date): Promise<void> {
    const lastMinute = minuteOf(now.getTime());
    if (lastMinute <= this.publishedThroughMs) return;
    const minutes: number[] = [];
    for (let at = this.publishedThroughMs + 60_000; at <= lastMinute; at += 60_000) minutes.push(at);
    this.publishedThroughMs = lastMinute;
    for (const [service, baseline] of Object.entries(this.baselines)) {
      const rollout = await this.rolloutAt(service, minutes);
      const shares = rollout.map((r) => r.percentage);
      const data = minutes.flatMap((at, i) => {
        if (this.silences.some((s) => s.service === service && at >= s.fromMs && at < s.toMs)) return [];
        const bakeStart = rollout[i]?.bakeStartedAt;
        const bakeSilence = this.bakeSilences.find((s) => s.service === service);
        // Whole one-minute periods from the first that begins inside the bake.
        const firstSilent = bakeStart === undefined ? undefined : Math.ceil(bakeStart / 60_000) * 60_000;
        if (
          bakeSilence &&
          firstSilent !== undefined &&
          at >= firstSilent &&
          at < firstSilent + bakeSilence.minutes * 60_000
        ) {
          this.silencedMinutes += 1;
          return [];
        }
        return (['errorRate', 'latencyP99Ms'] as const).map((metric) => ({
          MetricName: serviceMetricSpecs[metric].metricName,
          Dimensions: [{ Name: 'Service', Value: service }],
          // Mid-minute, as a service reports: moto counts a datapoint on a period boundary in both periods.
          Timestamp: new Date(at + 30_000),
          Value: this.valueAt(service, metric, baseline[metric], shares[i] ?? 0),
        }));
      });
      for (let i = 0; i < data.length; i += 500) {
        await this.cloudwatch.send(
          new PutMetricDataCommand({ Namespace: serviceMetricNamespace, MetricData: data.slice(i, i + 500) }),
        );
      }
    }
  }

  private valueAt(service: string, metric: ServiceMetric, baseline: number, percentage: number): number {
    const fault = this.faults.find((f) => f.service === service && f.metric === metric);
    if (!fault || percentage < fault.atPercent) return baseline;
    const share = percentage / 100;
    return baseline * (1 - share) + fault.value * share;
  }

  /** Minutes left without datapoints by `silenceDuringBake`, so a scenario can show its gap really happened. */
  silencedMinutes = 0;

  /**
   * At each minute: the percentage of traffic on the newest deployment's configuration (0 when none runs) and,
   * once its final bake has begun, when it began.
   */
  private async rolloutAt(
    service: string,
    minutes: number[],
  ): Promise<Array<{ percentage: number; bakeStartedAt?: number }>> {
    const watched =
      this.faults.some((f) => f.service === service) || this.bakeSilences.some((s) => s.service === service);
    if (!watched) return minutes.map(() => ({ percentage: 0 }));
    const environmentId = this.release.environmentOf(service);
    const listed = await this.appconfig.send(
      new ListDeploymentsCommand({ ApplicationId: this.release.applicationId, EnvironmentId: environmentId }),
    );
    const latest = listed.Items?.[0];
    if (!latest?.DeploymentNumber) return minutes.map(() => ({ percentage: 0 }));
    const deployment = await this.appconfig.send(
      new GetDeploymentCommand({
        ApplicationId: this.release.applicationId,
        EnvironmentId: environmentId,
        DeploymentNumber: latest.DeploymentNumber,
      }),
    );
    const events = [...(deployment.EventLog ?? [])]
      .map((event) => ({
        at: event.OccurredAt?.getTime() ?? 0,
        text: event.Description ?? '',
        type: event.EventType,
      }))
      .sort((a, b) => a.at - b.at);
    return minutes.map((at) => {
      let percentage = 0;
      let bakeStartedAt: number | undefined;
      for (const event of events) {
        if (event.at > at) break;
        if (event.type === 'BAKE_TIME_STARTED') bakeStartedAt = event.at;
        if (event.type === 'DEPLOYMENT_COMPLETED' || event.type === 'ROLLBACK_COMPLETED')
          bakeStartedAt = undefined;
        if (event.type === 'ROLLBACK_COMPLETED' || event.type === 'ROLLBACK_STARTED') percentage = 0;
        const found = /(\d+(?:\.\d+)?)\s*%/.exec(event.text);
        if (found && event.type !== 'ROLLBACK_COMPLETED' && event.type !== 'ROLLBACK_STARTED')
          percentage = Number(found[1]);
      }
      return bakeStartedAt === undefined ? { percentage } : { percentage, bakeStartedAt };
    });
  }
}

function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}
