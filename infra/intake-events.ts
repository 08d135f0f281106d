import { Duration } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, ArnPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventInvokeConfig, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventPublisher } from './event-publishers.js';
import { namePrefix } from './physical-names.js';

/** The detail type CI systems put intents under. */
export const intentSubmittedDetailType = 'Intent Submitted';

/** A statement id from a principal id: letters and digits only. */
const sid = (prefix: string, principal: string) =>
  `${prefix}${principal.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _s, c: string) => c.toUpperCase())}`;

/**
 * The itv event bus, its resource policy and the rule that hands each submitted intent to the intake
 * function.
 *
 * The bus policy admits `PutEvents` only from the CI roles of the catalog's automation principals, each bound
 * to its own `events:source`. Within one account an identity policy alone would allow PutEvents, so the
 * policy does it with explicit denies (which no identity policy overrides): nobody but a registered publisher,
 * and no publisher under another's source. The allows admit publishers in other accounts.
 * The rule matches only registered sources, so an event under any other source is dropped.
 *
 * An event can be lost in two places, and each has its queue. EventBridge puts in `deadLetters` what it could
 * not hand to Lambda. Lambda takes the event asynchronously: once it has, a function error is Lambda's to
 * retry (twice) and then discard, never EventBridge's, so the function's on-failure destination `failures`
 * keeps the invocation record (the event, the error) of an event the intake function failed on every time
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
export class IntakeEvents extends Construct {
  readonly bus: EventBus;
  /** Absent when the catalog registers no publisher: then the bus admits nobody. */
  readonly rule: Rule | undefined;
  readonly deadLetters: Queue;
  /** The intake function's on-failure destination: events it took and failed on after Lambda's retries. */
  readonly failures: Queue;

  constructor(
    scope: Construct,
    id: string,
    props: { intake: IFunction; publishers: readonly EventPublisher[] },
  ) {
    super(scope, id);
    const { publishers } = props;
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: namePrefix(this),
      description: 'itv intents from CI systems',
    });
    const putEvents = { actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] };
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyRegisteredPublishers',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        ...putEvents,
        ...(publishers.length > 0
          ? {
              conditions: {
                ArnNotEquals: {
                  'aws:PrincipalArn': [...new Set(publishers.flatMap((p) => p.callerArns))],
                },
              },
            }
          : {}),
      }),
    );
    for (const publisher of publishers) {
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: sid('OwnSourceOnly', publisher.principal),
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          ...putEvents,
          // `events:source` is multivalued (one value per entry of a PutEvents call): any other source denies.
          conditions: {
            ArnEquals: { 'aws:PrincipalArn': publisher.callerArns },
            'ForAnyValue:StringNotEquals': { 'events:source': publisher.source },
          },
        }),
      );
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: sid('Publish', publisher.principal),
          effect: Effect.ALLOW,
          principals: publisher.callerArns.map((arn) => new ArnPrincipal(arn)),
          ...putEvents,
          // Every entry under its own source, and at least one entry (ForAllValues alone holds for none).
          conditions: {
            'ForAllValues:StringEquals': { 'events:source': publisher.source },
            Null: { 'events:source': 'false' },
          },
        }),
      );
    }
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // Lambda sends the record with the function's execution role, which needs sqs:SendMessage on the queue
    // and nothing else (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
    // CDK's SqsDestination would also grant GetQueueAttributes and GetQueueUrl.
    props.intake.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.failures.queueArn] }),
    );
    new EventInvokeConfig(this, 'InvokeConfig', {
      function: props.intake,
      retryAttempts: 2,
      onFailure: { bind: () => ({ destination: this.failures.queueArn }) },
    });
    if (publishers.length === 0) {
      this.rule = undefined;
      return;
    }
    this.rule = new Rule(this, 'IntentSubmitted', {
      eventBus: this.bus,
      description: 'Hands an intent submitted by a registered CI system to the itv intake function',
      eventPattern: {
        source: publishers.map((p) => p.source),
        detailType: [intentSubmittedDetailType],
      },
    });
    this.rule.addTarget(
      new LambdaFunction(props.intake, {
        deadLetterQueue: this.deadLetters,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
