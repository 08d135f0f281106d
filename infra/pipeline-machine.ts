import { ArnFormat, Stack } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildPipeline, type PipelineFunctions } from '../statemachines/pipeline.js';

/** The state machine's name: fixed, so functions it invokes can be granted on it without a reference cycle. */
export function pipelineMachineName(scope: Construct): string {
  return `${Stack.of(scope).stackName}-pipeline`;
}

/**
 * The state machine's ARN, built from its name rather than taken from the resource: the stage functions that wake
 * parked executions (SendTaskSuccess) are granted on it, and the state machine names those functions, so a
 * reference to the resource would be a cycle.
 */
export function pipelineMachineArn(scope: Construct): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: pipelineMachineName(scope),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The Standard state machine that runs every intent through the stages; the local runtime runs its ASL. */
export class PipelineMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(
    scope: Construct,
    id: string,
    props: { stages: PipelineFunctions; logRetention: RetentionDays },
  ) {
    super(scope, id);
    const logs = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: 'itv: intent to value. Declare, validate, admit, decide, verify, release, observe, learn.',
      stateMachineName: pipelineMachineName(this),
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(
        buildPipeline(new Construct(this, 'States'), props.stages),
      ),
      tracingEnabled: true,
      // Every event, without execution data: the data is the whole state — the intent and its payload — and the
      // task tokens the parks hand out (`$$.Task.Token`), which would sit in CloudWatch Logs for the log retention
      // where anybody who may read the log group could resume a wait. ALL rather than ERROR: failures are logged
      // by error name and cause either way, and ALL also keeps which states ran and when past the execution
      // history's 90 days, as cdk-nag's AwsSolutions-SF1 asks, with no finding to acknowledge.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
  }
}
