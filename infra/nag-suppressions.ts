import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { BUNDLES_FOLDER, SNAPSHOTS_FOLDER } from '../lambdas/core/evidence/bundle-layout.js';
import { checkpointPrefix } from '../lambdas/core/evidence/checkpoint-object.js';
import { payloadLimits } from '../lambdas/core/intake/limits.js';
import { pipelineStages } from '../statemachines/task-states.js';
import type { DataTables } from './data-tables.js';
import type { EvidenceBucket } from './evidence-bucket.js';
import type { IntakeEvents } from './intake-events.js';
import type { IntentApi } from './intent-api.js';
import { type ItvFunctions, ledgerName } from './itv-functions.js';
import type { PipelineMachine } from './pipeline-machine.js';
import type { ReleaseConfig } from './release-config.js';

/** The parts of the stack that carry an accepted finding. */
export interface FindingScopes {
  functions: ItvFunctions;
  release: ReleaseConfig;
  tables: DataTables;
  evidence: EvidenceBucket;
  pipeline: PipelineMachine;
  api: IntentApi;
  intake: IntakeEvents;
}

const logicalId = (element: CfnElement): string => Stack.of(element).getLogicalId(element);
const cfn = (construct: IConstruct): CfnElement => construct.node.defaultChild as CfnElement;

function accept(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${finding}`, reason });
}

/**
 * The cdk-nag AwsSolutions findings itv accepts, each acknowledged on the narrowest construct with its reason.
 * cdk-nag 3 matches findings exactly, so a new wildcard elsewhere still fails the nag test.
 */
export function suppressAcceptedFindings(stack: FindingScopes): void {
  const { functions, release, tables, evidence, pipeline, api, intake } = stack;
  const arnPrefix = 'arn:<AWS::Partition>:appconfig:<AWS::Region>:<AWS::AccountId>';

  accept(
    functions,
    'IAM5[Resource::*]',
    'X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch GetMetricData support no resource-level permissions.',
  );
  accept(
    functions,
    'L1',
    'Pinned to nodejs22.x, the runtime the stage code and the local runtime are tested against; move with them.',
  );
  accept(
    functions,
    `IAM5[Resource::<${logicalId(cfn(tables.ledger))}.Arn>/index/*]`,
    "Ledger reads by intent query the table's own byIntent index; the grant covers this table's indexes only.",
  );
  const evidenceReasons: Record<string, string> = {
    [SNAPSHOTS_FOLDER]:
      "Observe's telemetry snapshots are named by intent and by the SHA-256 of their content, known only at run time; the grant is Get/PutObject on that folder alone (Observe), under Object Lock.",
    [BUNDLES_FOLDER]:
      'Evidence bundles are named by intent id, known only at run time; the grant is Get/PutObject on that folder alone for the stage that seals bundles (SignCheckpoint) and GetObject for the evidence route, under Object Lock.',
    [checkpointPrefix(ledgerName)]:
      "Checkpoint objects are named by the ledger's tree size at signing time; the grant is Get/PutObject on this ledger's checkpoint folder alone for SignCheckpoint and GetObject for the checkpoints route, under Object Lock.",
  };
  for (const [folder, reason] of Object.entries(evidenceReasons)) {
    accept(functions, `IAM5[Resource::<${logicalId(cfn(evidence.bucket))}.Arn>/${folder}*]`, reason);
  }
  accept(
    functions,
    `IAM5[Resource::<${logicalId(cfn(evidence.bucket))}.Arn>/${payloadLimits.prefix}*]`,
    'Payload objects are named by the SHA-256 of their content, known only at run time; the grant is GetObject (PutObject for the upload route) on that prefix alone.',
  );
  accept(
    functions,
    `IAM5[Resource::${arnPrefix}:deploymentstrategy/*]`,
    "StartDeployment may name AWS's predefined strategies (AppConfig.*), which exist outside this stack.",
  );
  const application = logicalId(release.application);
  for (const environment of Object.values(release.environments)) {
    accept(
      functions,
      `IAM5[Resource::${arnPrefix}:application/<${application}>/environment/<${logicalId(environment)}>/deployment/*]`,
      'AppConfig numbers deployments at run time; the grant is limited to deployments in this itv environment.',
    );
  }
  accept(
    release.alarmRole,
    'IAM5[Resource::*]',
    "The role is AppConfig's documented rollback-monitor role (DescribeAlarms on *): how AppConfig calls DescribeAlarms is undocumented, and a narrower role it could not use would silently end rollback on alarm. It only reads alarm states.",
  );
  for (const stage of pipelineStages) {
    accept(
      pipeline,
      `IAM5[Resource::<${logicalId(cfn(functions.byName[stage]))}.Arn>:*]`,
      'Step Functions may invoke versions and aliases of this stage function (CDK grants Arn and Arn:*).',
    );
  }
  accept(
    pipeline,
    'IAM5[Resource::*]',
    'Step Functions log delivery (logs:*LogDelivery*) and X-Ray tracing support no resource-level permissions.',
  );
  accept(
    api,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    "API Gateway's account-level logging role; AWS's managed policy is the documented way to grant it.",
  );
  accept(
    api,
    'APIG3',
    'Every method requires SigV4 (IAM) auth, so anonymous traffic never reaches the integrations; add WAF per account.',
  );
  accept(
    api,
    'COG4',
    'Callers are CI systems and teams with AWS principals: IAM authorization, not Cognito.',
  );
  accept(intake.deadLetters, 'SQS3', 'This queue is the dead-letter queue of the intake rule target.');
  accept(
    intake.failures,
    'SQS3',
    "This queue is the intake function's on-failure destination for asynchronous invocations.",
  );
}
