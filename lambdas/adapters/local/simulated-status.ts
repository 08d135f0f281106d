import type { DeploymentEventType } from '../../core/release/deployment-status.js';
import { type DeploymentTimeline, deploymentTimeline, progressAt } from '../../core/release/timeline.js';
import type { DeploymentEvent, DeploymentStatus } from '../../ports/releaser.js';
import type { SimulatedDeployment } from './simulated-deployment.js';

function event(
  atMs: number,
  type: DeploymentEventType,
  description: string,
  extra: Partial<DeploymentEvent> = {},
): DeploymentEvent {
  return { at: new Date(atMs).toISOString(), type, description, ...extra };
}

function timelineEvents(
  deployment: SimulatedDeployment,
  timeline: DeploymentTimeline,
  startMs: number,
  untilMs: number,
): DeploymentEvent[] {
  const events = [
    event(startMs, 'DEPLOYMENT_STARTED', `Deployment started with strategy ${deployment.strategy.name}`, {
      percentage: 0,
    }),
  ];
  for (const step of timeline.steps) {
    const atMs = startMs + step.atSeconds * 1000;
    if (atMs > untilMs) break;
    events.push(
      event(atMs, 'PERCENTAGE_UPDATED', `Percentage of targets updated to ${step.percentage}%`, {
        percentage: step.percentage,
      }),
    );
  }
  const bakeStartMs = startMs + timeline.bakeStartSeconds * 1000;
  const bakeEndMs = startMs + timeline.bakeEndSeconds * 1000;
  if (timeline.bakeEndSeconds > timeline.bakeStartSeconds && bakeStartMs <= untilMs) {
    const minutes = deployment.strategy.finalBakeTimeInMinutes;
    events.push(
      event(bakeStartMs, 'BAKE_TIME_STARTED', `Final bake of ${minutes} minutes started`, {
        percentage: 100,
      }),
    );
  }
  if (bakeEndMs <= untilMs) {
    events.push(event(bakeEndMs, 'DEPLOYMENT_COMPLETED', 'Deployment completed', { percentage: 100 }));
  }
  return events;
}

/**
 * The port's view of a simulated deployment at `now`: state, percentage and event log from its documented
 * timeline, cut short by its recorded rollback if it has one.
 */
export function simulatedStatus(deployment: SimulatedDeployment, now: Date): DeploymentStatus {
  const timeline = deploymentTimeline(deployment.strategy);
  const startMs = Date.parse(deployment.startedAt);
  const base = { deploymentId: deployment.deploymentId, startedAt: deployment.startedAt };
  const tripped = deployment.tripped ? { trippedMonitor: { ...deployment.tripped } } : {};
  const ended = deployment.ended;
  if (ended) {
    const endMs = Date.parse(ended.at);
    const cause =
      ended.triggeredBy === 'CLOUDWATCH_ALARM'
        ? `alarm ${ended.alarm} in ${ended.alarmState}`
        : 'StopDeployment by the user';
    const triggered = ended.alarm ? { alarm: ended.alarm } : {};
    return {
      ...base,
      state: 'ROLLED_BACK',
      // Every target is back on the previous configuration.
      percentageComplete: 0,
      completedAt: ended.at,
      events: [
        ...timelineEvents(deployment, timeline, startMs, endMs),
        event(endMs, 'ROLLBACK_STARTED', `Rollback started at ${ended.percentage}%: ${cause}`, {
          percentage: ended.percentage,
          ...triggered,
        }),
        event(endMs, 'ROLLBACK_COMPLETED', `Rollback completed: ${cause}`, { percentage: 0, ...triggered }),
      ],
      ...tripped,
    };
  }
  const nowMs = now.getTime();
  const progress = progressAt(timeline, Math.max(0, (nowMs - startMs) / 1000));
  const completedAt =
    progress.state === 'COMPLETE'
      ? new Date(startMs + timeline.bakeEndSeconds * 1000).toISOString()
      : undefined;
  return {
    ...base,
    state: progress.state,
    percentageComplete: progress.percentage,
    ...(completedAt ? { completedAt } : {}),
    events: timelineEvents(deployment, timeline, startMs, nowMs),
    ...tripped,
  };
}
