import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DataTables } from './data-tables.js';
import type { EventPublisher } from './event-publishers.js';
import { EvidenceBucket } from './evidence-bucket.js';
import { IntakeEvents } from './intake-events.js';
import { type ApiThrottling, IntentApi } from './intent-api.js';
import { ItvFunctions } from './itv-functions.js';
import { MonitorReconciler } from './monitor-reconciler.js';
import { suppressAcceptedFindings } from './nag-suppressions.js';
import { PipelineHealth } from './pipeline-health.js';
import { PipelineMachine, pipelineMachineArn } from './pipeline-machine.js';
import { type CatalogService, ReleaseConfig } from './release-config.js';
import { SigningKey } from './signing-key.js';

export interface ItvStackProps extends StackProps {
  /** Catalog services: each gets an AppConfig environment (its lane), alarm and profiles. */
  services: readonly CatalogService[];
  /** The catalog's CI principals that may put intents on the itv bus (`eventPublishersOf(catalog)`). */
  publishers: readonly EventPublisher[];
  /** Object Lock COMPLIANCE default retention of evidence bundles. Default: 7 years. */
  evidenceRetention?: Duration;
  /** Retention of every log group. Default: one year. */
  logRetention?: RetentionDays;
  /**
   * An SNS topic (in the stack's account and region) the pipeline health alarms notify on ALARM and on OK: failed
   * executions, errors that are not retried, and CI events lost on the way to or in the intake. Default: none.
   */
  alarmTopicArn?: string;
  /**
   * The account's AppConfig "Environments per application" quota, once AWS raised it: synth fails when the
   * catalog has more services than it allows. Default: 20, AppConfig's default.
   */
  appConfigEnvironmentQuota?: number;
  /** The API stage's throttle, over all its methods. Default: 50 requests a second, bursts of 100. */
  apiThrottling?: ApiThrottling;
  /** Folder holding `lambdas/` and `package-lock.json`. Default: this repository. */
  projectRoot?: string;
}

/** The repository root, where the Lambda entries and the lock file live. */
export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** itv on AWS: the pipeline state machine, its stage functions, ledger, signing key, evidence, API and bus. */
export class ItvStack extends Stack {
  readonly tables: DataTables;
  readonly evidence: EvidenceBucket;
  readonly release: ReleaseConfig;
  readonly functions: ItvFunctions;
  readonly signing: SigningKey;
  readonly pipeline: PipelineMachine;
  readonly api: IntentApi;
  readonly intake: IntakeEvents;
  readonly health: PipelineHealth;
  readonly reconciler: MonitorReconciler;

  constructor(scope: Construct, id: string, props: ItvStackProps) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;
    this.tables = new DataTables(this, 'Data');
    this.evidence = new EvidenceBucket(this, 'Evidence', {
      retention: props.evidenceRetention ?? Duration.days(7 * 365),
    });
    this.release = new ReleaseConfig(this, 'Release', {
      services: props.services,
      ...(props.appConfigEnvironmentQuota ? { environmentQuota: props.appConfigEnvironmentQuota } : {}),
    });
    this.functions = new ItvFunctions(this, 'Functions', {
      projectRoot: props.projectRoot ?? repositoryRoot,
      logRetention,
      tables: this.tables,
      evidence: this.evidence.bucket,
      release: this.release,
    });
    this.signing = new SigningKey(this, 'Signing', {
      signerRoles: this.functions.signerRoles(),
      publicKeyReaderRoles: this.functions.publicKeyReaderRoles(),
    });
    this.functions.useSigningKey(this.signing.key);
    this.pipeline = new PipelineMachine(this, 'Pipeline', { stages: this.functions.stages, logRetention });
    this.functions.usePipeline(pipelineMachineArn(this));
    this.api = new IntentApi(this, 'Intents', {
      functions: this.functions.byName,
      logRetention,
      ...(props.apiThrottling ? { throttling: props.apiThrottling } : {}),
    });
    this.intake = new IntakeEvents(this, 'Intake', {
      intake: this.functions.byName['intake-event'],
      publishers: props.publishers,
    });
    this.reconciler = new MonitorReconciler(this, 'Monitors', {
      reconciler: this.functions.byName['reconcile-monitors'],
      stateMachine: this.pipeline.stateMachine,
    });
    this.health = new PipelineHealth(this, 'Health', {
      stateMachine: this.pipeline.stateMachine,
      deadLetters: this.intake.deadLetters,
      intakeFailures: this.intake.failures,
      ...(props.alarmTopicArn ? { alarmTopicArn: props.alarmTopicArn } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    new CfnOutput(this, 'SigningKeyId', { value: this.signing.key.keyId });
    suppressAcceptedFindings(this);
  }
}
