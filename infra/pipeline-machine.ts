import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildPipeline, type PipelineFunctions } from '../statemachines/pipeline.js';

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
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(
        buildPipeline(new Construct(this, 'States'), props.stages),
      ),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });
  }
}
