import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { metricsNamespace } from '../lambdas/wiring/aws/telemetry-names.js';
import { pipelineTaskStates } from '../statemachines/task-states.js';
import { namePrefix } from './physical-names.js';

/**
 * The pipeline's own health: a dashboard of executions, stage durations, retries and errors, intents by
 * outcome and CI events that could not be delivered or that the intake failed on, and alarms on what needs a
 * person — executions that failed, timed out or were aborted, stage errors that are not retried, events in the
 * intake's dead-letter queue and in its failure queue. The stage metrics are the EMF the functions write (`lambdas/wiring/aws/telemetry.ts`); the rest are
 * the services' own (AWS/States, AWS/SQS).
 */
export interface PipelineHealthProps {
  stateMachine: StateMachine;
  deadLetters: IQueue;
  intakeFailures: IQueue;
  /** An SNS topic the alarms notify when they go into ALARM and back to OK. Default: none, dashboard only. */
  alarmTopicArn?: string;
}

export class PipelineHealth extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineHealthProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const stage = (name: string, stageName: string, statistic = 'Sum') =>
      new Metric({
        namespace: metricsNamespace,
        metricName: name,
        dimensionsMap: { service: namePrefix(this), Stage: stageName },
        statistic,
        period,
      });
    const pipeline = (name: string) =>
      new Metric({
        namespace: metricsNamespace,
        metricName: name,
        dimensionsMap: { service: namePrefix(this) },
        statistic: 'Sum',
        period,
      });
    const sfn = props.stateMachine;
    const failedExecutions = new MathExpression({
      label: 'executions failed, timed out or aborted',
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: sfn.metricFailed({ period }),
        timedOut: sfn.metricTimedOut({ period }),
        aborted: sfn.metricAborted({ period }),
      },
      period,
    });
    const undelivered = props.deadLetters.metricApproximateNumberOfMessagesVisible({ period });
    const failedIntake = props.intakeFailures.metricApproximateNumberOfMessagesVisible({ period });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${namePrefix(this)}-pipeline` });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          "# itv pipeline\nExecutions, stage durations (p99), retries and errors from the functions' EMF (`itv/Pipeline`), intents by outcome, and CI events the intake could not take or failed on.",
        width: 24,
        height: 2,
      }),
      new GraphWidget({
        title: 'Executions',
        left: [
          sfn.metricStarted({ period }),
          sfn.metricSucceeded({ period }),
          sfn.metricFailed({ period }),
          sfn.metricTimedOut({ period }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Stage duration p99 (ms)',
        left: pipelineTaskStates.map((s) => stage('StageDuration', s, 'p99')),
        width: 12,
      }),
      new GraphWidget({
        title: 'Retries and errors',
        left: [pipeline('PipelineRetries'), pipeline('PipelineErrors')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Intents concluded by outcome',
        left: ['released', 'rolled-back', 'frozen', 'rejected-policy', 'refused', 'failed'].map(
          (outcome) =>
            new Metric({
              namespace: metricsNamespace,
              metricName: 'IntentsConcluded',
              dimensionsMap: { service: namePrefix(this), Outcome: outcome },
              statistic: 'Sum',
              period,
            }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'CI events not delivered (dead letters) or failed on (intake failures)',
        left: [undelivered, failedIntake],
        width: 12,
      }),
    );

    const notify = props.alarmTopicArn
      ? new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn))
      : undefined;
    const alarm = (id: string, metric: IMetric, description: string) => {
      const created = new Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No datapoints means nothing happened, not that something broke.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (notify) {
        created.addAlarmAction(notify);
        created.addOkAction(notify);
      }
      this.alarms.push(created);
      return created;
    };
    alarm(
      'ExecutionsFailed',
      failedExecutions,
      'An itv execution failed, timed out or was aborted: its intent may hold a lane; see RecordFailure on the ledger.',
    );
    alarm(
      'StageErrors',
      pipeline('PipelineErrors'),
      "A stage or entry point failed with an error that is not retried (the functions' logs carry the intent id).",
    );
    alarm(
      'IntakeDeadLetters',
      undelivered,
      'An intent a CI system put on the itv bus could not be handed to the intake function; it waits in the dead-letter queue.',
    );
    alarm(
      'IntakeFailures',
      failedIntake,
      'The intake function failed three times on an intent a CI system put on the itv bus; the event and the error wait in the intake failure queue.',
    );
  }
}
