import { Duration } from 'aws-cdk-lib';
import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The event CI systems put on the itv bus to submit an intent. */
export const intentSubmittedPattern = { source: ['itv.ci'], detailType: ['Intent Submitted'] } as const;

/** The itv event bus and the rule that starts the pipeline for each submitted intent. */
export class IntakeEvents extends Construct {
  readonly bus: EventBus;
  readonly rule: Rule;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: { pipeline: IStateMachine }) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: 'itv', description: 'itv intents from CI systems' });
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.rule = new Rule(this, 'IntentSubmitted', {
      eventBus: this.bus,
      description: 'Starts the itv pipeline for an intent submitted by CI',
      eventPattern: {
        source: [...intentSubmittedPattern.source],
        detailType: [...intentSubmittedPattern.detailType],
      },
    });
    this.rule.addTarget(
      new SfnStateMachine(props.pipeline, {
        input: RuleTargetInput.fromObject({
          intent: EventField.fromPath('$.detail.intent'),
          source: 'eventbridge',
          submittedAt: EventField.time,
        }),
        deadLetterQueue: this.deadLetters,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
