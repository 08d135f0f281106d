import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { metricsNamespace, serviceName } from './telemetry-names.js';

/**
 * The functions' own telemetry, with Powertools: JSON log lines that carry the stage, the intent id and the
 * X-Ray trace id; EMF metrics in `itv/Pipeline` (per stage: duration, invocations, failures by error name;
 * per intent: its outcome). Traces are Lambda's and Step Functions' active tracing (a segment per invocation,
 * linked through the execution); the trace id on every log line ties a trace to its intent. The Powertools
 * Tracer, which would annotate traces with the intent id, is left out: it bundles aws-xray-sdk-core, about
 * 130 KB per function. Only the AWS composition roots use this: on the local runtime the same handlers run
 * without it.
 */

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ namespace: metricsNamespace, serviceName });

/** Errors Step Functions retries (`statemachines/task-states.ts`): a failure with one of these is a retry. */
const retriedErrors = new Set(['TransientError', 'LaneBusyError', 'VersionConflictError']);

type Json = Record<string, unknown> | null | undefined;

/** The intent a stage input or API event is about: the pipeline state's, a checkpoint request's, a route's. */
export function intentIdOf(event: unknown): string | undefined {
  const e = event as Json;
  const declared = (e?.declared as Json)?.intentId;
  if (typeof declared === 'string') return declared;
  if (typeof e?.intentId === 'string') return e.intentId;
  const id = (e?.pathParameters as Json)?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Middy middlewares for one stage or route: Lambda context and trace id on every log line, the stage and
 * intent id appended before the handler runs, metrics flushed as EMF after it.
 */
export function telemetry(stage: string): MiddlewareObj[] {
  let started = 0;
  const observe: MiddlewareObj = {
    before: (request) => {
      started = performance.now();
      const intentId = intentIdOf(request.event);
      logger.resetKeys();
      logger.appendKeys({ stage, ...(intentId ? { intentId } : {}) });
      metrics.addDimension('Stage', stage);
      // A property of the EMF record, not a dimension (one per intent would be a metric per intent): Logs
      // Insights finds an intent's datapoints by it.
      if (intentId) metrics.addMetadata('intentId', intentId);
      metrics.addMetric('StageInvocations', MetricUnit.Count, 1);
    },
    after: (request) => {
      // DeclareIntent derives the intent id: its own lines name the intent from then on.
      const declared = (request.response as Json)?.intentId;
      if (typeof declared === 'string') logger.appendKeys({ intentId: declared });
      metrics.addMetric('StageDuration', MetricUnit.Milliseconds, performance.now() - started);
      const outcome = (request.response as Json)?.outcome;
      if (stage === 'Learn' && typeof outcome === 'string') {
        // One datapoint per concluded intent, by outcome: released, rolled-back, rejected-policy …
        const single = metrics.singleMetric();
        single.addDimension('Outcome', outcome);
        single.addMetric('IntentsConcluded', MetricUnit.Count, 1);
      }
      logger.info('stage done', { durationMs: Math.round(performance.now() - started) });
    },
    onError: (request) => {
      const error = request.error;
      const name = error?.name ?? 'Error';
      metrics.addMetric('StageDuration', MetricUnit.Milliseconds, performance.now() - started);
      metrics.addMetric('StageFailures', MetricUnit.Count, 1);
      const kind = retriedErrors.has(name) ? 'Retries' : 'Errors';
      const byError = metrics.singleMetric();
      byError.addDimension('Stage', stage);
      byError.addDimension('Error', name);
      byError.addMetric(`Stage${kind}`, MetricUnit.Count, 1);
      // The same count over every stage, for the alarm and the dashboard (one metric, not one per stage).
      metrics.singleMetric().addMetric(`Pipeline${kind}`, MetricUnit.Count, 1);
      if (retriedErrors.has(name))
        logger.warn('stage failed, to be retried', { error: name, message: error?.message });
      else logger.error('stage failed', error ?? name);
    },
  };
  return [injectLambdaContext(logger), logMetrics(metrics, { throwOnEmptyMetrics: false }), observe];
}
