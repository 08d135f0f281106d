import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { EvidenceBucket } from '../../infra/evidence-bucket.js';
import { apiFunctionNames, maintenanceFunctionNames } from '../../infra/function-access.js';
import { IntentApi } from '../../infra/intent-api.js';
import { PipelineHealth } from '../../infra/pipeline-health.js';
import { ReleaseConfig } from '../../infra/release-config.js';
import { STATE_TABLE } from '../../lambdas/adapters/aws/tables.js';
import { maxRequestBodyBytes } from '../../lambdas/api/conventions.js';
import { openApiDocument } from '../../lambdas/api/openapi.js';
import { type ApiRoute, apiRoutes } from '../../lambdas/api/routes.js';
import { payloadLimits } from '../../lambdas/core/intake/limits.js';
import {
  serviceAlarms,
  serviceMetricNamespace,
  serviceMetricSpecs,
} from '../../lambdas/core/release/alarms.js';
import { contractOrEnvelopeSchema } from '../../lambdas/core/release/exposure-document.js';
import { customStrategies } from '../../lambdas/core/release/strategies.js';
import { pipelineStages } from '../../statemachines/task-states.js';
import { withScratchStack } from '../support/scratch-stack.js';
import {
  actionsOnResource,
  allowedActionsByRole,
  environmentOf,
  fixtureServices,
  fixtureTemplate,
  roleOfFunction,
  rolesAllowed,
} from './synth-support.js';

let template: Template;
beforeAll(() => {
  template = fixtureTemplate();
});

describe('data tables', () => {
  test('the ledger is keyed (ledger, seq) with the byIntent index only: exactly-once appends never read an index', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'ledger', KeyType: 'HASH' },
          { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'ledger', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'N' },
          { AttributeName: 'intentId', AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byIntent',
            KeySchema: [
              { AttributeName: 'intentId', KeyType: 'HASH' },
              { AttributeName: 'seq', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  test('the state table is keyed (pk, sk) with expiresAt as its TTL attribute', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        // The attribute the DynamoDB state store writes an expiring record's epoch seconds to.
        TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
  });
});

describe('observe-only releases', () => {
  test('only the stages that start deployments may disable alarm actions; the release stages and the restorers may re-enable and read them', () => {
    const roles = roleOfFunction(template);
    // check-release starts each later step of a stepped release, apply-release-decision the step or the
    // roll-back an owner decided on after a hold (docs/RELEASE.md).
    const starters = [roles['start-release'], roles['check-release'], roles['apply-release-decision']].sort();
    expect(rolesAllowed(template, 'cloudwatch:DisableAlarmActions').sort()).toEqual(starters);
    expect(rolesAllowed(template, 'cloudwatch:EnableAlarmActions').sort()).toEqual(
      [
        roles['start-release'],
        roles['check-release'],
        roles['apply-release-decision'],
        roles['stop-release'],
        roles['restore-monitors'],
        roles['reconcile-monitors'],
        // admit-policy stops the deployment an authorized emergency preempts.
        roles['admit-policy'],
      ].sort(),
    );
    expect(rolesAllowed(template, 'appconfig:GetEnvironment').sort()).toEqual(starters);
    // The restorers list a lane's deployments (to leave an observe-only one in progress alone), and so do the
    // starters (to carry on with a deployment an earlier attempt started and never recorded).
    expect(rolesAllowed(template, 'appconfig:ListDeployments').sort()).toEqual(
      [...starters, roles['restore-monitors'], roles['reconcile-monitors']].sort(),
    );
    // They start, stop, create and sign nothing.
    for (const restorer of [roles['restore-monitors'], roles['reconcile-monitors']]) {
      for (const action of [
        'appconfig:StartDeployment',
        'appconfig:StopDeployment',
        'appconfig:CreateHostedConfigurationVersion',
        'cloudwatch:DisableAlarmActions',
        'kms:Sign',
      ]) {
        expect([action, rolesAllowed(template, action)]).toEqual([
          action,
          expect.not.arrayContaining([restorer]),
        ]);
      }
    }
  });

  test('the reconciler runs on every execution that was aborted, timed out or failed, and every five minutes', () => {
    const rules = template.findResources('AWS::Events::Rule');
    const reconcilerTargets = Object.values(rules).filter((rule) =>
      JSON.stringify(rule.Properties.Targets).includes('ReconcileMonitors'),
    );
    expect(reconcilerTargets.map((rule) => rule.Properties.ScheduleExpression).filter(Boolean)).toEqual([
      'rate(5 minutes)',
    ]);
    const onExecutions = reconcilerTargets.find((rule) => rule.Properties.EventPattern);
    expect(onExecutions?.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
        stateMachineArn: [{ Ref: expect.stringMatching(/^Pipeline/) }],
      },
    });
    // EventBridge may invoke it for exactly these two rules.
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes('ReconcileMonitors'),
    );
    expect(permissions.map((p) => p.Properties.Principal)).toEqual([
      'events.amazonaws.com',
      'events.amazonaws.com',
    ]);
  });
});

describe('signing key', () => {
  test('is an ECC P-256 signing key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    template.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('only the form-decision and sign-checkpoint roles are granted kms:Sign; GetPublicKey besides them only the checkpoints route (no other function calls KMS)', () => {
    const roles = roleOfFunction(template);
    const signers = [roles['form-decision'], roles['sign-checkpoint']].sort();
    expect(rolesAllowed(template, 'kms:Sign')).toEqual(signers);
    expect(rolesAllowed(template, 'kms:GetPublicKey').sort()).toEqual(
      [...signers, roles['get-checkpoints']].sort(),
    );
    for (const actions of allowedActionsByRole(template).values()) expect(actions.has('kms:*')).toBe(false);
  });

  test('the key policy denies kms:Sign to every principal but the two signing roles', () => {
    const roles = roleOfFunction(template);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'kms:Sign',
            Principal: '*',
            Condition: {
              ArnNotEquals: {
                'aws:PrincipalArn': [
                  { 'Fn::GetAtt': [roles['form-decision'], 'Arn'] },
                  { 'Fn::GetAtt': [roles['sign-checkpoint'], 'Arn'] },
                ],
              },
            },
          }),
        ]),
      },
    });
  });
});

describe('evidence bucket', () => {
  test('is versioned, Object Lock COMPLIANCE for seven years by default, private, encrypted and access-logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 7 * 365 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^EvidenceAccessLogs') } },
    });
  });

  test('denies requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^EvidenceBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('denies every principal a put that could replace an object: one without If-None-Match', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^EvidenceBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Condition: {
              Null: { 's3:if-none-match': 'true' },
              Bool: { 's3:ObjectCreationOperation': 'true' },
            },
          }),
        ]),
      },
    });
  });

  test('takes its retention from its props', () => {
    // The bucket alone in a bare stack: synthesizing the whole stack again costs seconds for one property.
    const shortRetention = withScratchStack((stack) => {
      new EvidenceBucket(stack, 'Evidence', { retention: Duration.days(30) });
      return Template.fromStack(stack);
    });
    shortRetention.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
  });

  test('the upload route may get and put payload objects on their prefix alone, and touches nothing else', () => {
    const role = roleOfFunction(template)['put-payload'];
    const actions = [...(allowedActionsByRole(template).get(role) ?? [])];
    expect(actions.filter((a) => !/^(logs|xray):/.test(a)).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: { 'Fn::Join': ['', [Match.anyValue(), '/payloads/sha256/*']] },
          }),
        ]),
      },
    });
  });

  test('evidence object grants name the prefixes each function uses, never the whole bucket; lists are of the bucket, unconditioned', () => {
    // Every write is locked for years (COMPLIANCE): a key written under the wrong prefix is taken for good.
    const roles = roleOfFunction(template);
    const grants = new Map<string, Array<{ actions: string[]; resources: string[]; prefixes?: string[] }>>();
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
      Properties: {
        Roles: Array<{ Ref: string }>;
        PolicyDocument: { Statement: Array<Record<string, unknown>> };
      };
    }>) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const text = JSON.stringify(statement.Resource ?? '');
        if (!text.includes('EvidenceBucket')) continue;
        const actions = ([] as string[]).concat(statement.Action as string | string[]);
        const resources = ([] as unknown[]).concat(statement.Resource).map((r) => {
          const join = (r as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
          return join ? String(join[1].at(-1)) : '<bucket>';
        });
        const like = (statement.Condition as { StringLike?: Record<string, string | string[]> } | undefined)
          ?.StringLike?.['s3:prefix'];
        for (const role of policy.Properties.Roles) {
          const list = grants.get(role.Ref) ?? [];
          list.push({ actions, resources, ...(like ? { prefixes: ([] as string[]).concat(like) } : {}) });
          grants.set(role.Ref, list);
        }
      }
    }
    const of = (name: Parameters<typeof environmentOf>[1]) => {
      const statements = grants.get(roles[name]) ?? [];
      const objects = statements
        .filter((s) => s.actions.some((a) => a !== 's3:ListBucket'))
        .flatMap((s) => s.actions.flatMap((a) => s.resources.map((r) => `${a} ${r}`)));
      const lists = statements.filter((s) => s.actions.includes('s3:ListBucket'));
      return { objects: objects.sort(), lists: lists.map((s) => s.prefixes ?? 'no s3:prefix condition') };
    };
    expect(of('observe')).toEqual({
      objects: ['s3:GetObject /snapshots/*', 's3:PutObject /snapshots/*'],
      lists: ['no s3:prefix condition'],
    });
    expect(of('sign-checkpoint')).toEqual({
      objects: [
        's3:GetObject /bundles/*',
        's3:GetObject /checkpoints/main/*',
        's3:PutObject /bundles/*',
        's3:PutObject /checkpoints/main/*',
      ],
      lists: ['no s3:prefix condition'],
    });
    expect(of('get-checkpoints')).toEqual({
      objects: ['s3:GetObject /checkpoints/main/*'],
      lists: ['no s3:prefix condition'],
    });
    expect(of('get-evidence')).toEqual({
      objects: ['s3:GetObject /bundles/*'],
      lists: ['no s3:prefix condition'],
    });
    // No role is granted objects bucket-wide. A list is of the bucket alone, without an s3:prefix condition: it is
    // what makes S3 answer a missing key 404, a check whose request carries no prefix (infra/itv-functions.ts).
    for (const statements of grants.values()) {
      for (const s of statements) {
        expect(s.resources).not.toContain('/*');
        if (s.actions.includes('s3:ListBucket')) expect(s.resources).toEqual(['<bucket>']);
      }
    }
  });

  test('functions may read and put evidence objects but never delete them or change their retention', () => {
    // Observe and SignCheckpoint write evidence; the upload route writes payloads under their digest.
    const writers = [...allowedActionsByRole(template).values()].filter((a) => a.has('s3:PutObject'));
    expect(writers).toHaveLength(3);
    for (const actions of allowedActionsByRole(template).values()) {
      expect(
        [...actions].filter((a) =>
          /^s3:(Delete|PutObjectRetention|PutObjectLegalHold|BypassGovernance|\*)/.test(a),
        ),
      ).toEqual([]);
    }
  });
});

describe('functions', () => {
  test('one function per stage and API route, all nodejs22.x on arm64 with active tracing and an own log group', () => {
    template.resourceCountIs(
      'AWS::Lambda::Function',
      pipelineStages.length + apiFunctionNames.length + maintenanceFunctionNames.length,
    );
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      LoggingConfig: Match.objectLike({ LogGroup: { Ref: Match.anyValue() } }),
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('each function receives only the variables its grants need', () => {
    expect(environmentOf(template, 'sign-checkpoint')).toEqual(
      expect.objectContaining({ ITV_KMS_KEY_ID: expect.anything(), ITV_EVIDENCE_BUCKET: expect.anything() }),
    );
    // The decision stage signs and keeps no evidence; it reads the state table for a stop request only, and
    // the bucket (its payloads prefix alone) for a payload by reference.
    expect(Object.keys(environmentOf(template, 'form-decision')).sort()).toEqual(
      [
        'ITV_EVIDENCE_BUCKET',
        'ITV_KMS_KEY_ID',
        'ITV_LEDGER_NAME',
        'ITV_LEDGER_TABLE',
        'ITV_NAME_PREFIX',
        'ITV_STATE_TABLE',
        'NODE_OPTIONS',
      ].sort(),
    );
    expect(environmentOf(template, 'validate-structure')).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      ITV_NAME_PREFIX: 'itv',
      ITV_LEDGER_TABLE: expect.anything(),
      ITV_LEDGER_NAME: 'main',
      ITV_STATE_TABLE: expect.anything(),
      ITV_EVIDENCE_BUCKET: expect.anything(),
    });
    expect(Object.keys(environmentOf(template, 'start-release'))).toEqual(
      expect.arrayContaining([
        'ITV_APPCONFIG_APPLICATION_ID',
        'ITV_APPCONFIG_ENVIRONMENTS',
        'ITV_APPCONFIG_PROFILES',
        'ITV_APPCONFIG_STRATEGIES',
      ]),
    );
    expect(Object.keys(environmentOf(template, 'check-release'))).toContain('ITV_APPCONFIG_STRATEGIES');
    expect(Object.keys(environmentOf(template, 'verify'))).not.toContain('ITV_APPCONFIG_APPLICATION_ID');
    // Submission reads delegations granted at run time and records attempts (state table), reads whether the
    // intent's last attempt ended (ledger), and starts executions.
    for (const entry of ['submit-intent', 'intake-event'] as const) {
      expect(Object.keys(environmentOf(template, entry)).sort()).toEqual([
        'ITV_EVIDENCE_BUCKET',
        'ITV_LEDGER_NAME',
        'ITV_LEDGER_TABLE',
        'ITV_NAME_PREFIX',
        'ITV_STATE_MACHINE_ARN',
        'ITV_STATE_TABLE',
        'NODE_OPTIONS',
      ]);
    }
    expect(Object.keys(environmentOf(template, 'review-intent'))).toContain('ITV_STATE_MACHINE_ARN');
    expect(Object.keys(environmentOf(template, 'get-intent'))).not.toContain('ITV_STATE_MACHINE_ARN');
  });

  test('the read routes get the names they read by: the checkpoints route its ledger name and key, no table', () => {
    expect(Object.keys(environmentOf(template, 'get-checkpoints')).sort()).toEqual([
      'ITV_EVIDENCE_BUCKET',
      'ITV_KMS_KEY_ID',
      'ITV_LEDGER_NAME',
      'ITV_NAME_PREFIX',
      'NODE_OPTIONS',
    ]);
    expect(Object.keys(environmentOf(template, 'export-ledger')).sort()).toEqual([
      'ITV_LEDGER_NAME',
      'ITV_LEDGER_TABLE',
      'ITV_NAME_PREFIX',
      'NODE_OPTIONS',
    ]);
  });

  test('the value report keeps its view in the state table: it reads and writes items there, and only Queries the ledger', () => {
    const role = roleOfFunction(template)['report-value'];
    const actions = [...(allowedActionsByRole(template).get(role) ?? [])];
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect([...(actionsOnResource(template, 'DataLedger').get(role) ?? [])]).toEqual(['dynamodb:Query']);
    expect([...(actionsOnResource(template, 'DataState').get(role) ?? [])].sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(Object.keys(environmentOf(template, 'report-value')).sort()).toEqual([
      'ITV_LEDGER_NAME',
      'ITV_LEDGER_TABLE',
      'ITV_NAME_PREFIX',
      'ITV_STATE_TABLE',
      'NODE_OPTIONS',
    ]);
  });

  test('AppConfig and Step Functions actions go to the functions that need them and no others', () => {
    const roles = roleOfFunction(template);
    // check-release starts each later step of a stepped release, apply-release-decision the step or the
    // roll-back an owner decided on after a hold (docs/RELEASE.md).
    const starters = [roles['start-release'], roles['check-release'], roles['apply-release-decision']].sort();
    expect(rolesAllowed(template, 'appconfig:StartDeployment').sort()).toEqual(starters);
    expect(rolesAllowed(template, 'appconfig:CreateHostedConfigurationVersion').sort()).toEqual(starters);
    // admit-policy reads and stops the deployment an authorized emergency preempts.
    expect(rolesAllowed(template, 'appconfig:StopDeployment').sort()).toEqual(
      [roles['stop-release'], roles['admit-policy']].sort(),
    );
    // Every starter reads its environment's latest deployment, which may be its own started before (a retry).
    expect(rolesAllowed(template, 'appconfig:GetDeployment').sort()).toEqual(
      [
        roles['start-release'],
        roles['check-release'],
        roles['apply-release-decision'],
        roles['stop-release'],
        roles['restore-monitors'],
        roles['reconcile-monitors'],
        roles['admit-policy'],
      ].sort(),
    );
    // A release decision always resumes its wait: SendTaskSuccess only; so do the stages that wake a queued
    // intent's park (the ones that free its way — Learn, RecordFailure, and a review wait giving up its lane — or the
    // park itself when its way already cleared; StartRelease, for the emergencies that waited for its deployment to
    // start so they may preempt it), and a check
    // report that wakes the park for check results (or the park itself, when the report came first). A stop
    // wakes a lane park, a scheduled intent's park or a park for check results (success; the park itself when
    // the stop came first), answers a decision wait (success) and ends a review wait (failure,
    // IntentStoppedError).
    expect(rolesAllowed(template, 'states:SendTaskSuccess').sort()).toEqual(
      [
        roles['review-intent'],
        roles['release-decision'],
        roles['stop-intent'],
        roles['report-check'],
        roles['await-lane'],
        roles['await-due'],
        roles['await-checks'],
        roles['await-review'],
        roles.learn,
        roles['record-failure'],
        roles['start-release'],
      ].sort(),
    );
    expect(rolesAllowed(template, 'states:SendTaskFailure').sort()).toEqual(
      [roles['review-intent'], roles['stop-intent']].sort(),
    );
    expect(rolesAllowed(template, 'states:StartExecution')).toContain(roles['retry-intent']);
    expect(rolesAllowed(template, 'states:StartExecution')).not.toContain(roles['stop-intent']);
    expect(rolesAllowed(template, 'states:StartExecution')).toContain(roles['submit-intent']);
    expect(rolesAllowed(template, 'states:StartExecution')).not.toContain(roles['review-intent']);
  });

  test('the check report route reads and appends the ledger, records state and wakes a park: no other Step Functions call, no delete, no evidence, no key', () => {
    // Prepare
    const roles = roleOfFunction(template);
    const role = roles['report-check'];
    // Act
    const actions = [...(allowedActionsByRole(template).get(role) ?? [])].sort();
    const onState = actionsOnResource(template, 'DataState').get(role);
    const onLedger = actionsOnResource(template, 'DataLedger').get(role);
    // Assess: a fail-fast gate waiting for the result is woken (SendTaskSuccess), nothing else is resumed.
    expect(
      actions.filter((a) => a.startsWith('states:') || a.startsWith('kms:') || a.startsWith('s3:')),
    ).toEqual(['states:SendTaskSuccess']);
    expect([...(onState ?? [])].sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(onLedger?.has('dynamodb:PutItem')).toBe(true);
    expect(onLedger?.has('dynamodb:DeleteItem')).toBe(false);
    expect(Object.keys(environmentOf(template, 'report-check')).sort()).toEqual([
      'ITV_LEDGER_NAME',
      'ITV_LEDGER_TABLE',
      'ITV_NAME_PREFIX',
      'ITV_STATE_MACHINE_ARN',
      'ITV_STATE_TABLE',
      'NODE_OPTIONS',
    ]);
  });

  test('the ledger is append-only: Put and Update (idempotency markers) at most, never Delete', () => {
    const roles = roleOfFunction(template);
    const onLedger = actionsOnResource(template, 'DataLedger');
    const writes = new Set(
      [...onLedger.values()]
        .flatMap((a) => [...a])
        .filter((a) => !/:(Get|Query|Scan|Batch[GR]|Describe|ConditionCheck)/.test(a)),
    );
    expect([...writes].sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(onLedger.get(roles['get-intent'])?.has('dynamodb:PutItem')).toBe(false);
    expect(onLedger.get(roles['get-intent'])?.has('dynamodb:Query')).toBe(true);
    expect(onLedger.get(roles['validate-structure'])?.has('dynamodb:PutItem')).toBe(true);
  });
});

describe('table grants are the calls the DynamoDB stores make', () => {
  test('reads are GetItem and Query; no function may scan, batch, describe or read streams', () => {
    const actions = new Set(
      [
        ...actionsOnResource(template, 'DataLedger').values(),
        ...actionsOnResource(template, 'DataState').values(),
      ].flatMap((a) => [...a]),
    );
    expect([...actions].sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  test('only state writers may delete, and only from the state table', () => {
    const roles = roleOfFunction(template);
    const deleters = [...actionsOnResource(template, 'DataState')]
      .filter(([, a]) => a.has('dynamodb:DeleteItem'))
      .map(([role]) => role);
    expect(deleters).not.toContain(roles['get-intent']);
    // A delegation and its revocation are both kept: the routes that record them cannot delete.
    expect(deleters).not.toContain(roles['grant-delegation']);
    expect(deleters).not.toContain(roles['revoke-delegation']);
    expect(deleters).not.toContain(roles['validate-structure']);
    expect(deleters).toContain(roles.learn);
    // Exactly the functions whose code removes a state item: lanes and queue places, parked waiters, forgotten
    // decisions, settled preemptions, held releases answered, a lane given up while a review waits.
    const byRole = new Map(Object.entries(roles).map(([fn, role]) => [role, fn]));
    expect(deleters.map((role) => byRole.get(role)).sort()).toEqual([
      'admit-policy',
      'apply-release-decision',
      'await-review',
      'learn',
      'record-failure',
    ]);
  });

  test('a task-token park reads state items by key and keeps its token: no Query, no delete', () => {
    const roles = roleOfFunction(template);
    const onState = actionsOnResource(template, 'DataState');
    for (const park of ['await-lane', 'await-due', 'await-checks'] as const) {
      expect([...(onState.get(roles[park]) ?? [])].sort()).toEqual([
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
      ]);
    }
  });

  test('ledger readers only Query it; only appenders read an entry by key', () => {
    const roles = roleOfFunction(template);
    const ledger = actionsOnResource(template, 'DataLedger');
    expect([...(ledger.get(roles['get-intent']) ?? [])].sort()).toEqual(['dynamodb:Query']);
    expect([...(ledger.get(roles.verify) ?? [])].sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });
});

describe('AppConfig', () => {
  test('one environment per service, watched by its rollback alarms through the AppConfig alarm role', () => {
    template.hasResourceProperties('AWS::AppConfig::Application', { Name: 'itv' });
    template.resourceCountIs('AWS::AppConfig::Environment', fixtureServices.length);
    const monitor = (alarm: string) => ({
      AlarmArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(alarm), 'Arn'] },
      AlarmRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::AppConfig::Environment', {
      Name: 'checkout-live',
      Monitors: [monitor('itvcheckouterrorrate'), monitor('itvcheckoutlatencyp99')],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'appconfig.amazonaws.com' } })],
      },
    });
  });

  test('the alarms are the ones serviceAlarms defines, on the metrics the services publish', () => {
    const search = fixtureServices[1]!;
    const serviceAlarmsInTemplate = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (r) => (r as { Properties: { Namespace?: string } }).Properties.Namespace === serviceMetricNamespace,
    );
    expect(serviceAlarmsInTemplate).toHaveLength(fixtureServices.length * 2);
    for (const definition of serviceAlarms(search.name, search.slo)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: definition.name,
        Namespace: serviceMetricNamespace,
        MetricName: serviceMetricSpecs[definition.metric].metricName,
        Dimensions: [{ Name: 'Service', Value: 'search' }],
        Period: definition.periodSeconds,
        Threshold: definition.threshold,
        EvaluationPeriods: definition.evaluationPeriods,
        DatapointsToAlarm: definition.datapointsToAlarm,
        ComparisonOperator: definition.comparisonOperator,
        TreatMissingData: definition.treatMissingData,
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'itv-search-error-rate',
      Statistic: 'Average',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'itv-search-latency-p99',
      ExtendedStatistic: 'p99',
    });
  });

  test('profiles are typed, and freeform ones validate against their latest contract version (or its exposure envelope)', () => {
    template.resourceCountIs('AWS::AppConfig::ConfigurationProfile', 3);
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
      Name: 'checkout.flags',
      Type: 'AWS.AppConfig.FeatureFlags',
      LocationUri: 'hosted',
      Validators: Match.absent(),
    });
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
      Name: 'checkout.limits',
      Type: 'AWS.Freeform',
      Validators: [
        {
          Type: 'JSON_SCHEMA',
          Content: JSON.stringify(
            contractOrEnvelopeSchema(
              fixtureServices[0]?.profiles.limits?.contracts['1.10.0'] as Record<string, unknown>,
            ),
          ),
        },
      ],
    });
  });

  test("more services than AppConfig's environments-per-application quota stop the synth, naming the quota", () => {
    const services = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        ...fixtureServices[1]!,
        name: `svc${i}`,
        environment: `svc${i}-live`,
      }));
    const release = (props: ConstructorParameters<typeof ReleaseConfig>[2]) =>
      withScratchStack((stack) => new ReleaseConfig(stack, 'Release', props));
    expect(() => release({ services: services(21) })).toThrow(
      /21 catalog services need 21 AppConfig environments in one application; AppConfig allows 20/,
    );
    expect(() => release({ services: services(20) })).not.toThrow();
    // After AWS raised the account's quota, the stack is told so.
    expect(() => release({ services: services(21), environmentQuota: 25 })).not.toThrow();
  });

  test("itv's own deployment strategies are created with their parameters", () => {
    template.resourceCountIs('AWS::AppConfig::DeploymentStrategy', customStrategies.length);
    for (const strategy of customStrategies) {
      template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
        Name: strategy.name,
        GrowthType: strategy.growthType,
        GrowthFactor: strategy.growthFactor,
        DeploymentDurationInMinutes: strategy.deploymentDurationInMinutes,
        FinalBakeTimeInMinutes: strategy.finalBakeTimeInMinutes,
      });
    }
  });
});

describe('state machine', () => {
  test('is a Standard state machine logging ALL to its log group without execution data, with tracing', () => {
    // Execution data is the whole state — the intent, its payload — and the task tokens handed to the parks:
    // none of it goes to CloudWatch Logs, kept a year; each event, failures by name and cause, is.
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
    });
  });
});

describe('API', () => {
  test("Lambda permits API Gateway only the deployed stage's methods: no test-invoke-stage permission", () => {
    const sources = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) =>
      JSON.stringify((p as { Properties: { SourceArn?: unknown } }).Properties.SourceArn ?? ''),
    );
    expect(sources.filter((arn) => arn.includes('test-invoke-stage'))).toEqual([]);
    expect(sources.filter((arn) => arn.includes('DeploymentStage')).length).toBeGreaterThan(0);
  });

  test('the outputs are the four docs/DEPLOY.md lists, and no other (no duplicate of ApiUrl)', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'ApiUrl',
      'EvidenceBucketName',
      'SigningKeyId',
      'StateMachineArn',
    ]);
  });

  test('every method requires IAM auth and goes through the request validator', () => {
    // The routes of lambdas/api/routes.ts (and HEAD beside each GET), ANY on each of their resources and on the
    // root (405 or 404 from no-route), and the root's greedy {proxy+} (404).
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{
      Properties: { HttpMethod: string };
    }>;
    const gets = (apiRoutes as readonly ApiRoute[]).filter((route) => route.method === 'GET').length;
    expect(methods.filter((m) => m.Properties.HttpMethod !== 'ANY')).toHaveLength(apiRoutes.length + gets);
    const resourceCount = Object.keys(template.findResources('AWS::ApiGateway::Resource')).length;
    // Every resource takes ANY, and so does the root.
    expect(methods.filter((m) => m.Properties.HttpMethod === 'ANY')).toHaveLength(resourceCount + 1);
    template.allResourcesProperties('AWS::ApiGateway::Method', {
      AuthorizationType: 'AWS_IAM',
      RequestValidatorId: { Ref: Match.stringLikeRegexp('Validator') },
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  test('the methods API Gateway routes to functions are the operations of the OpenAPI document, no more, no less', () => {
    const resources = template.findResources('AWS::ApiGateway::Resource') as Record<
      string,
      { Properties: { ParentId: unknown; PathPart: string } }
    >;
    const pathOf = (ref: unknown): string => {
      const id = (ref as { Ref?: string }).Ref;
      const resource = id ? resources[id] : undefined;
      return resource ? `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}` : '';
    };
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{
      Properties: { HttpMethod: string; ResourceId: unknown };
    }>;
    const routed = methods
      .filter((m) => m.Properties.HttpMethod !== 'ANY' && m.Properties.HttpMethod !== 'HEAD')
      .map((m) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId)}`)
      .sort();
    const document = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(routed).toEqual(documented);
  });

  test('HEAD on each GET resource goes to the GET function (its status and headers, no body), and nowhere else', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{
      Properties: { HttpMethod: string; ResourceId: unknown; Integration: { Uri: unknown } };
    }>;
    const byMethod = (method: string) =>
      methods
        .filter((m) => m.Properties.HttpMethod === method)
        .map((m) => JSON.stringify([m.Properties.ResourceId, m.Properties.Integration.Uri]))
        .sort();
    expect(byMethod('HEAD')).toEqual(byMethod('GET'));
  });

  test('no method takes a body model: each handler names the bad field in problem+json, as locally', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{
      Properties: { RequestModels?: unknown };
    }>;
    expect(methods.filter((m) => m.Properties.RequestModels)).toEqual([]);
    // The intent model stays on the API, draft-04, for SDKs and documentation.
    const models = Object.values(template.findResources('AWS::ApiGateway::Model'));
    expect(models).toHaveLength(1);
    const schema = (models[0] as { Properties: { Schema: Record<string, unknown> } }).Properties.Schema;
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(JSON.stringify(schema)).not.toMatch(/"const"|"propertyNames"|"\$defs"/);
  });

  test('errors API Gateway answers itself are problem+json: 401 asking for SigV4 without a signature, 413 past its limit', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '401',
      ResponseParameters: {
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.WWW-Authenticate': "'AWS4-HMAC-SHA256'",
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'REQUEST_TOO_LARGE',
      StatusCode: '413',
    });
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')) as Array<{
      Properties: { ResponseTemplates: Record<string, string> };
    }>;
    for (const response of responses) {
      // Simple substitution: with the quoted message in place, the body parses as JSON.
      const body = response.Properties.ResponseTemplates['application/json']!.replaceAll(
        '$context.error.messageString',
        '"a message"',
      ).replaceAll('$context.path', '/v1/x');
      expect(JSON.parse(body)).toMatchObject({ type: expect.stringMatching(/^urn:itv:problem:/) });
    }
  });

  test("API Gateway's 413 names each route's own body limit, not one limit for all", () => {
    const [tooLarge] = Object.values(
      template.findResources('AWS::ApiGateway::GatewayResponse', {
        Properties: { ResponseType: 'REQUEST_TOO_LARGE' },
      }),
    ) as Array<{ Properties: { ResponseTemplates: Record<string, string> } }>;
    const body = JSON.parse(
      tooLarge!.Properties.ResponseTemplates['application/json']!.replaceAll(
        '$context.error.messageString',
        '"Request Too Long"',
      ).replaceAll('$context.path', '/v1/payloads'),
    ) as { issues: Array<{ path: string; message: string }> };
    expect(body.issues).toEqual([
      {
        path: 'body',
        message: `must be at most ${maxRequestBodyBytes} bytes (POST /payloads: at most ${payloadLimits.bytes} bytes)`,
      },
    ]);
  });

  test('every route under an id requires the id path parameter: an intent, its review, release decision, stop, retry, checks (reported and read) and evidence, and a delegation (read and revoked)', () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: method,
        RequestParameters: { 'method.request.path.id': true },
      });
    }
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{
      Properties: { HttpMethod: string; RequestParameters?: Record<string, boolean> };
    }>;
    // Ten routes; HEAD beside the four GETs among them takes the same parameter.
    const underAnId = methods.filter((m) => m.Properties.RequestParameters?.['method.request.path.id']);
    expect(underAnId.filter((m) => m.Properties.HttpMethod !== 'HEAD')).toHaveLength(10);
    expect(underAnId.filter((m) => m.Properties.HttpMethod === 'HEAD')).toHaveLength(4);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'PUT',
      RequestParameters: { 'method.request.path.id': true, 'method.request.path.name': true },
    });
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map(
      (r) => (r as { Properties: { PathPart: string } }).Properties.PathPart,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'intents',
        '{id}',
        'review',
        'release-decision',
        'stop',
        'retry',
        'checks',
        '{name}',
        'evidence',
        'delegations',
      ]),
    );
  });

  test("every function API Gateway integrates stops before API Gateway's 29-second integration timeout", () => {
    const functions = template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Timeout: number } }
    >;
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{
      Properties: { Integration: unknown };
    }>;
    const integrated = new Set(
      methods.flatMap((m) =>
        [...JSON.stringify(m.Properties.Integration).matchAll(/"(Functions[A-Za-z0-9]+)","Arn"/g)].map(
          ([, id]) => id!,
        ),
      ),
    );
    expect(integrated.size).toBe(new Set(apiRoutes.map((r) => r.fn)).size + 1);
    for (const id of integrated) expect(functions[id]!.Properties.Timeout).toBeLessThanOrEqual(28);
  });

  test('the stage throttles every method, 50 requests a second with bursts of 100 unless the stack says otherwise', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ]),
    });
    // The API alone in a bare stack, every route on one function: the stack passes its prop through.
    const throttled = withScratchStack((stack) => {
      const fn = new LambdaFunction(stack, 'Fn', {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => ({})'),
      });
      new IntentApi(stack, 'Intents', {
        functions: Object.fromEntries([...apiRoutes.map((r) => r.fn), 'no-route'].map((name) => [name, fn])),
        logRetention: RetentionDays.ONE_DAY,
        throttling: { rateLimit: 5, burstLimit: 10 },
      });
      return Template.fromStack(stack);
    });
    throttled.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ResourcePath: '/*', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 }),
      ]),
    });
  });

  test('the stage is traced and access-logged', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });
});

describe('EventBridge intake', () => {
  test('the rule matches only registered sources and hands the event to the intake function, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'itv' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('IntakeBus') },
      EventPattern: { source: ['itv.ci.growth', 'itv.ci.sre'], 'detail-type': ['Intent Submitted'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionsIntakeEvent'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IntakeDeadLetters'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  test("an event the intake function fails on after Lambda's own retries goes to an encrypted failure queue, which only the intake role may send to", () => {
    const intakeRole = roleOfFunction(template)['intake-event'];
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^FunctionsIntakeEvent') },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeFailures'), 'Arn'] } },
      },
    });
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    const queues = template.findResources('AWS::SQS::Queue');
    const failures = Object.entries(queues).find(([id]) => id.startsWith('IntakeFailures'));
    expect(failures?.[1]).toMatchObject({
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 },
    });
    expect(rolesAllowed(template, 'sqs:SendMessage')).toEqual([intakeRole]);
    expect([...(actionsOnResource(template, 'IntakeFailures').get(intakeRole) ?? [])]).toEqual([
      'sqs:SendMessage',
    ]);
  });

  test('the bus policy admits PutEvents only from registered CI roles, each under its own source', () => {
    const statements = Object.values(template.findResources('AWS::Events::EventBusPolicy')).map(
      (r) => (r as { Properties: { Statement: Record<string, unknown> } }).Properties.Statement,
    );
    const bySid = Object.fromEntries(statements.map((s) => [String(s.Sid).replace(/^cdk-/, ''), s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'OnlyRegisteredPublishers',
      'OwnSourceOnlyCiGrowth',
      'OwnSourceOnlyCiSre',
      'PublishCiGrowth',
      'PublishCiSre',
    ]);
    expect(bySid.OnlyRegisteredPublishers).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Condition: {
        ArnNotEquals: {
          'aws:PrincipalArn': [
            'arn:aws:iam::123456789012:role/ci/ItvGrowthCi',
            'arn:aws:iam::123456789012:role/ItvSreCi',
          ],
        },
      },
    });
    expect(bySid.OwnSourceOnlyCiGrowth).toMatchObject({
      Effect: 'Deny',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/ci/ItvGrowthCi'] },
        'ForAnyValue:StringNotEquals': { 'events:source': 'itv.ci.growth' },
      },
    });
    expect(bySid.PublishCiSre).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:role/ItvSreCi' },
      Condition: {
        'ForAllValues:StringEquals': { 'events:source': 'itv.ci.sre' },
        Null: { 'events:source': 'false' },
      },
    });
  });
});

describe('pipeline health', () => {
  test('a dashboard shows executions, stage durations, retries and errors, outcomes and undelivered CI events', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'itv-pipeline' });
  });

  test('alarms watch failed executions, errors that are not retried, the intake dead-letter queue and its failure queue', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (r) => (r as { Properties: Record<string, unknown> }).Properties,
    );
    const health = alarms.filter((a) =>
      String(a.AlarmDescription ?? '').match(/itv execution|stage or entry|CI system/),
    );
    expect(health).toHaveLength(4);
    expect(health.every((a) => a.TreatMissingData === 'notBreaching' && a.Threshold === 1)).toBe(true);
    const errors = health.find((a) => String(a.AlarmDescription).startsWith('A stage or entry point'));
    expect(errors).toMatchObject({
      Namespace: 'itv/Pipeline',
      MetricName: 'PipelineErrors',
      Statistic: 'Sum',
    });
    const deadLetters = health.find((a) => String(a.AlarmDescription).includes('dead-letter'));
    expect(deadLetters).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [expect.stringMatching(/^IntakeDeadLetters/), 'QueueName'] },
        },
      ],
    });
    const failures = health.find((a) => String(a.AlarmDescription).includes('failure queue'));
    expect(failures).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [expect.stringMatching(/^IntakeFailures/), 'QueueName'] },
        },
      ],
    });
    const executions = health.find((a) => String(a.AlarmDescription).startsWith('An itv execution'));
    expect(
      (executions!.Metrics as Array<{ MetricStat?: { Metric: { MetricName: string } } }>)
        .flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []))
        .sort(),
    ).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
  });

  test('the alarms notify the topic the stack is given, when it is given one, on alarm and on recovery', () => {
    const health = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((r) =>
      /itv execution|stage or entry|CI system|intake function/.test(
        String((r as { Properties: { AlarmDescription?: string } }).Properties.AlarmDescription),
      ),
    ) as Array<{ Properties: Record<string, unknown> }>;
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((a) => a.Properties.AlarmActions === undefined)).toBe(true);
    // The health alarms alone in a bare stack: the stack passes its alarmTopicArn through.
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:itv-oncall';
    const notified = withScratchStack((stack) => {
      new PipelineHealth(stack, 'Health', {
        stateMachine: new StateMachine(stack, 'Machine', {
          definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Pass')),
        }),
        deadLetters: new Queue(stack, 'DeadLetters'),
        intakeFailures: new Queue(stack, 'Failures'),
        alarmTopicArn: topicArn,
      });
      return Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    });
    expect(Object.keys(notified)).toHaveLength(4);
    for (const alarm of Object.values(notified) as Array<{ Properties: Record<string, unknown> }>) {
      expect(alarm.Properties).toMatchObject({ AlarmActions: [topicArn], OKActions: [topicArn] });
    }
  });
});
