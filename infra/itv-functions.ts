import path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { apiRoutes } from '../lambdas/api/routes.js';
import { payloadLimits } from '../lambdas/core/intake/limits.js';
import type { PipelineFunctions } from '../statemachines/pipeline.js';
import { pipelineStages } from '../statemachines/task-states.js';
import type { DataTables } from './data-tables.js';
import {
  apiFunctionNames,
  entryOf,
  evidenceFolders,
  type FunctionAccess,
  functionAccess,
  type ItvFunctionName,
  maintenanceFunctionNames,
  type ReleaseAction,
} from './function-access.js';
import { functionBundling } from './function-bundling.js';
import { namePrefix } from './physical-names.js';
import type { ReleaseConfig } from './release-config.js';

/** What reading a table takes: items by key and queries (the stores never scan or batch). */
const tableReads = ['dynamodb:GetItem', 'dynamodb:Query'];

/** The ledger every function writes to; one per deployment of the stack. */
export const ledgerName = 'main';

export interface ItvFunctionsProps {
  /** Folder holding `lambdas/` and `package-lock.json`. */
  projectRoot: string;
  logRetention: RetentionDays;
  tables: DataTables;
  evidence: IBucket;
  release: ReleaseConfig;
}

/**
 * API Gateway gives up on a REST API's Lambda integration after 29 seconds and answers 504
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html): the functions it integrates stop a
 * second before, so a slow request ends as the function's own timeout, in its logs and metrics, not as work
 * that runs on after its caller was answered.
 */
const routeTimeout = Duration.seconds(28);
/** The stages, the bus's intake and the reconciler: nobody holds a connection open for them. */
const backgroundTimeout = Duration.seconds(30);
/** The functions API Gateway integrates: every route's, and `no-route` for the paths and methods none takes. */
const routeFunctions: ReadonlySet<string> = new Set([...apiRoutes.map((route) => route.fn), 'no-route']);

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

/** One Lambda function per stage and API route, each granted only what `functionAccess` lists. */
export class ItvFunctions extends Construct {
  readonly byName: Readonly<Record<ItvFunctionName, NodejsFunction>>;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ItvFunctionsProps,
  ) {
    super(scope, id);
    const byName: Partial<Record<ItvFunctionName, NodejsFunction>> = {};
    for (const name of [...pipelineStages, ...apiFunctionNames, ...maintenanceFunctionNames]) {
      byName[name] = this.createFunction(name, functionAccess[name]);
    }
    this.byName = byName as Record<ItvFunctionName, NodejsFunction>;
  }

  /** The stage functions, in the shape `buildPipeline` takes. */
  get stages(): PipelineFunctions {
    return this.byName;
  }

  /** The roles of the functions whose access includes signing. */
  signerRoles(): IRole[] {
    return this.rolesWith('sign');
  }

  /** The roles of the functions that read the signing key's public key only. */
  publicKeyReaderRoles(): IRole[] {
    return this.rolesWith('public-key');
  }

  private rolesWith(signing: 'sign' | 'public-key'): IRole[] {
    return this.entries()
      .filter(([name]) => functionAccess[name].signing === signing)
      .map(([name, fn]) => {
        if (!fn.role) throw new Error(`${name}: function has no execution role to grant KMS access to`);
        return fn.role;
      });
  }

  /**
   * Gives the key id to the functions that sign or read its public key; the key itself grants kms:Sign and
   * GetPublicKey to the signers, GetPublicKey alone to the readers.
   */
  useSigningKey(key: IKey): void {
    for (const [name, fn] of this.entries()) {
      if (functionAccess[name].signing) fn.addEnvironment('ITV_KMS_KEY_ID', key.keyId);
    }
  }

  /**
   * Lets the API start executions and answer review and release-decision callbacks, and the stages that wake
   * parked executions send their tokens back. Granted on the state machine's ARN as built from its fixed name
   * (`pipelineMachineArn`): the stage functions are in its definition, so its resource cannot be referenced.
   */
  usePipeline(stateMachineArn: string): void {
    for (const [name, fn] of this.entries()) {
      const { pipeline } = functionAccess[name];
      if (!pipeline) continue;
      fn.addEnvironment('ITV_STATE_MACHINE_ARN', stateMachineArn);
      const actions =
        pipeline === 'start-execution'
          ? ['states:StartExecution']
          : pipeline === 'task-success'
            ? ['states:SendTaskSuccess']
            : ['states:SendTaskSuccess', 'states:SendTaskFailure'];
      fn.addToRolePolicy(new PolicyStatement({ actions, resources: [stateMachineArn] }));
    }
  }

  private entries(): Array<[ItvFunctionName, NodejsFunction]> {
    return Object.entries(this.byName) as Array<[ItvFunctionName, NodejsFunction]>;
  }

  private createFunction(name: ItvFunctionName, access: FunctionAccess): NodejsFunction {
    const id = pascal(name);
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: this.props.logRetention });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log group only.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `itv ${name} function`,
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      description: `itv ${name}`,
      entry: path.join(this.props.projectRoot, entryOf(name)),
      handler: 'handler',
      projectRoot: this.props.projectRoot,
      depsLockFilePath: path.join(this.props.projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: routeFunctions.has(name) ? routeTimeout : backgroundTimeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ITV_NAME_PREFIX: namePrefix(this) },
      bundling: functionBundling,
    });
    this.grantData(name, fn, access);
    this.grantPayloads(fn, access);
    this.grantRelease(fn, access.release ?? []);
    if (access.telemetry) this.grantTelemetry(fn, access.telemetry);
    return fn;
  }

  private grantData(name: ItvFunctionName, fn: NodejsFunction, access: FunctionAccess): void {
    const { tables, evidence } = this.props;
    // Checkpoint objects in the evidence store are named after their ledger, so evidence readers need the name.
    if (access.ledger || access.evidence) fn.addEnvironment('ITV_LEDGER_NAME', ledgerName);
    if (access.ledger) {
      fn.addEnvironment('ITV_LEDGER_TABLE', tables.ledger.tableName);
      // Exactly the calls the DynamoDB stores make (lambdas/adapters/aws/dynamodb-*-store.ts), on the table and
      // its indexes; the deployed-stack suite checks every call against these.
      // Readers only Query (a range, the head, an intent's entries through its index); an append also reads the
      // entry at a seq and its idempotency marker (GetItem) before its conditional PutItem.
      tables.ledger.grant(fn, 'dynamodb:Query');
      if (access.ledger === 'append')
        tables.ledger.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    }
    if (access.state) {
      fn.addEnvironment('ITV_STATE_TABLE', tables.state.tableName);
      if (access.state === 'park') tables.state.grant(fn, 'dynamodb:GetItem');
      else if (access.state === 'list-put' || access.state === 'list')
        tables.state.grant(fn, 'dynamodb:Query');
      else if (access.state !== 'put') tables.state.grant(fn, ...tableReads);
      if (access.state === 'write') tables.state.grant(fn, 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
      if (['record', 'put', 'park', 'list-put'].includes(access.state))
        tables.state.grant(fn, 'dynamodb:UpdateItem');
    }
    if (access.evidence) {
      fn.addEnvironment('ITV_EVIDENCE_BUCKET', evidence.bucketName);
      const folders = evidenceFolders(ledgerName)[name];
      if (!folders) throw new Error(`${name}: evidence access without the folders it uses (evidenceFolders)`);
      // Exactly the calls the S3 evidence store makes, on the folders this function uses; no delete, no
      // retention or legal-hold changes.
      const objectActions = access.evidence === 'write' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'];
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: objectActions,
          resources: folders.map((folder) => evidence.arnForObjects(`${folder}*`)),
        }),
      );
      // The bucket's listing, without an s3:prefix condition: it is what lets S3 answer a GetObject of a missing
      // key 404 rather than 403 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, Permissions),
      // and every one of these functions reads keys that may not be there yet (a first checkpoint, an intent's
      // bundle before it is sealed). That check's request carries no s3:prefix, and AWS does not document that a
      // grant conditioned on it satisfies the check: a 403 there would fail every intent's first checkpoint. A
      // listing names keys (intent ids, ledger sizes); what the keys hold stays behind the folder-scoped grants.
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:ListBucket'], resources: [evidence.bucketArn] }),
      );
    }
  }

  private grantPayloads(fn: NodejsFunction, access: FunctionAccess): void {
    if (!access.payloads) return;
    const { evidence } = this.props;
    fn.addEnvironment('ITV_EVIDENCE_BUCKET', evidence.bucketName);
    // Exactly the calls the payload store makes (GetObject; PutObject with If-None-Match), on its prefix alone.
    const actions = access.payloads === 'write' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'];
    fn.addToRolePolicy(
      new PolicyStatement({ actions, resources: [evidence.arnForObjects(`${payloadLimits.prefix}*`)] }),
    );
  }

  private grantRelease(fn: NodejsFunction, actions: readonly ReleaseAction[]): void {
    if (actions.length === 0) return;
    const { release } = this.props;
    const stack = Stack.of(this);
    // The AppConfig releaser is built from all four, whichever of its calls the function makes.
    fn.addEnvironment('ITV_APPCONFIG_APPLICATION_ID', release.application.ref);
    fn.addEnvironment('ITV_APPCONFIG_ENVIRONMENTS', stack.toJsonString(release.environmentIds));
    fn.addEnvironment('ITV_APPCONFIG_PROFILES', stack.toJsonString(release.profileIds));
    fn.addEnvironment('ITV_APPCONFIG_STRATEGIES', stack.toJsonString(release.strategyIds));
    const allow = (action: string, resources: string[]) => {
      if (resources.length > 0) fn.addToRolePolicy(new PolicyStatement({ actions: [action], resources }));
    };
    if (actions.includes('create-version')) {
      fn.addEnvironment('ITV_APPCONFIG_PROFILES', stack.toJsonString(release.profileIds));
      allow('appconfig:CreateHostedConfigurationVersion', release.profileArns);
    }
    if (actions.includes('start')) {
      fn.addEnvironment('ITV_APPCONFIG_PROFILES', stack.toJsonString(release.profileIds));
      fn.addEnvironment('ITV_APPCONFIG_STRATEGIES', stack.toJsonString(release.strategyIds));
      allow('appconfig:StartDeployment', [
        ...release.environmentArns,
        ...release.profileArns,
        ...release.strategyArns,
      ]);
    }
    if (actions.includes('check') || actions.includes('monitors') || actions.includes('start')) {
      allow('appconfig:GetDeployment', release.deploymentArns);
    }
    // Restoring a lane's monitors reads its latest deployment, to leave an observe-only one in progress alone; a
    // start reads it too, to carry on with the deployment an earlier attempt started and never recorded.
    if (actions.includes('monitors') || actions.includes('start')) {
      allow('appconfig:ListDeployments', release.environmentArns);
    }
    if (actions.includes('stop')) allow('appconfig:StopDeployment', release.deploymentArns);
    // A release that must not be reverted runs with its environment's monitors observing only: the releaser
    // reads the environment's monitors, disables their alarm actions for the deployment, reads the alarms
    // while it polls and re-enables the actions when it ends (lambdas/adapters/aws/appconfig-releaser.ts).
    const alarmArns = release.alarms.map((a) => a.alarmArn);
    if (actions.includes('start')) {
      allow('appconfig:GetEnvironment', release.environmentArns);
      allow('cloudwatch:DisableAlarmActions', alarmArns);
    }
    allow('cloudwatch:DescribeAlarms', alarmArns);
    allow('cloudwatch:EnableAlarmActions', alarmArns);
  }

  private grantTelemetry(fn: NodejsFunction, telemetry: true | 'metrics'): void {
    // GetMetricData has no resource-level permissions; the alarms are named.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    const alarmArns = this.props.release.alarms.map((a) => a.alarmArn);
    if (telemetry === true && alarmArns.length > 0) {
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: alarmArns }),
      );
    }
  }
}
