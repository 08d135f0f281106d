import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { executionEndedDetailType } from '../lambdas/core/pipeline/reconcile-monitors.js';

/** Execution ends where no state of the pipeline runs: RestoreMonitors never sees them. */
export const unreconciledExecutionEnds = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;

/**
 * When the reconciler runs: on every pipeline execution that was aborted (StopExecution), timed out, or failed
 * outside a Catch, and every five minutes, for a deployment that was still in progress when its execution
 * ended, or a restoration that failed. Both rules are on the default bus, where Step Functions puts its events.
 */
export class MonitorReconciler extends Construct {
  readonly executionEnded: Rule;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: { reconciler: IFunction; stateMachine: IStateMachine }) {
    super(scope, id);
    const target = () =>
      new LambdaFunction(props.reconciler, { retryAttempts: 4, maxEventAge: Duration.hours(1) });
    this.executionEnded = new Rule(this, 'ExecutionEnded', {
      description: 'Restores alarm actions after a pipeline execution that ended without its failure path',
      eventPattern: {
        source: ['aws.states'],
        detailType: [executionEndedDetailType],
        detail: {
          status: [...unreconciledExecutionEnds],
          stateMachineArn: [props.stateMachine.stateMachineArn],
        },
      },
    });
    this.executionEnded.addTarget(target());
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Restores alarm actions no observe-only deployment holds any more, every five minutes',
      schedule: Schedule.rate(Duration.minutes(5)),
    });
    this.schedule.addTarget(target());
  }
}
