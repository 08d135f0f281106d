import {
  AppConfigClient,
  CreateApplicationCommand,
  CreateConfigurationProfileCommand,
  CreateDeploymentStrategyCommand,
  CreateEnvironmentCommand,
} from '@aws-sdk/client-appconfig';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { deployedAccount, deployedRegion, type StackTemplate } from './template.js';

/**
 * Deploys the template's resources as CloudFormation would: DynamoDB tables, the KMS key with its key policy,
 * the S3 buckets with Object Lock and versioning (their bucket policies go to the IAM gateway), CloudWatch alarms and the EventBridge bus on
 * moto_server; the AppConfig application, environments (with their alarm monitors), profiles (with their
 * validators) and strategies on the AppConfig endpoint. Resources CloudFormation names get the names it would
 * give them (stack name, logical id, a suffix); every physical id is recorded in the template for resolution.
 */

export interface AdminClients {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  s3: S3Client;
  cloudwatch: CloudWatchClient;
  events: EventBridgeClient;
  appconfig: AppConfigClient;
}

const administrator = { accessKeyId: 'AKIAADMINISTRATOR000', secretAccessKey: 'administrator' };

/** Clients for the suite itself (the deployer and the operator), talking to the services directly. */
export function adminClients(motoUrl: string, appConfigUrl: string): AdminClients {
  const base = { region: deployedRegion, credentials: administrator, endpoint: motoUrl };
  return {
    dynamodb: new DynamoDBClient(base),
    kms: new KMSClient(base),
    s3: new S3Client({ ...base, forcePathStyle: true }),
    // The SDK gzips request bodies over 10 KB (a PutMetricData of many minutes); moto's server cannot read
    // them (BadGzipFile, a 500), so the suite's own client sends them plain.
    cloudwatch: new CloudWatchClient({ ...base, disableRequestCompression: true }),
    events: new EventBridgeClient(base),
    appconfig: new AppConfigClient({ ...base, endpoint: appConfigUrl }),
  };
}

/** A physical name as CloudFormation generates it: stack name, logical id, a suffix, within `max` characters. */
function generatedName(logicalId: string, max = 64, lowerCase = false): string {
  const suffix = Buffer.from(logicalId).toString('hex').slice(-12).toUpperCase();
  const name = `Itv-${logicalId.slice(0, max - 18)}-${suffix}`;
  return lowerCase ? name.toLowerCase() : name;
}

type Properties = Record<string, unknown>;

export async function provision(template: StackTemplate, clients: AdminClients): Promise<void> {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${deployedRegion}:${deployedAccount}:${resource}`;
  const props = (logicalId: string) => (template.resource(logicalId).Properties ?? {}) as Properties;

  // Names known before anything is created.
  for (const [logicalId, resource] of Object.entries(template.resources)) {
    const p = (resource.Properties ?? {}) as Properties;
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        const name = generatedName(logicalId);
        template.deployed(logicalId, {
          ref: name,
          attributes: {
            Arn: `arn:aws:iam::${deployedAccount}:role/${name}`,
            RoleId: `AROA${logicalId.slice(0, 12).toUpperCase()}`,
          },
        });
        break;
      }
      case 'AWS::IAM::ManagedPolicy': {
        const name = generatedName(logicalId, 128);
        template.deployed(logicalId, {
          ref: `arn:aws:iam::${deployedAccount}:policy/${name}`,
          attributes: {},
        });
        break;
      }
      case 'AWS::IAM::Policy':
        template.deployed(logicalId, { ref: generatedName(logicalId, 128), attributes: {} });
        break;
      case 'AWS::Lambda::Function': {
        const name = generatedName(logicalId);
        template.deployed(logicalId, { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } });
        break;
      }
      case 'AWS::Logs::LogGroup': {
        const name = `/aws/itv/${generatedName(logicalId)}`;
        template.deployed(logicalId, { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } });
        break;
      }
      case 'AWS::CloudWatch::Alarm': {
        const name = String(p.AlarmName ?? generatedName(logicalId, 255));
        template.deployed(logicalId, { ref: name, attributes: { Arn: arn('cloudwatch', `alarm:${name}`) } });
        break;
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = p.StateMachineName ? String(p.StateMachineName) : generatedName(logicalId, 80);
        const machineArn = arn('states', `stateMachine:${name}`);
        template.deployed(logicalId, { ref: machineArn, attributes: { Arn: machineArn, Name: name } });
        break;
      }
      case 'AWS::Events::EventBus': {
        const name = String(p.Name);
        template.deployed(logicalId, {
          ref: name,
          attributes: { Arn: arn('events', `event-bus/${name}`), Name: name },
        });
        break;
      }
      case 'AWS::Events::Rule': {
        // A rule on a custom bus: `arn:aws:events:REGION:ACCOUNT:rule/BUS/NAME`; Ref is `BUS|NAME`.
        const name = generatedName(logicalId);
        const busRef = (p.EventBusName as { Ref?: string } | undefined)?.Ref;
        const bus = String(
          busRef ? template.resource(busRef).Properties?.Name : (p.EventBusName ?? 'default'),
        );
        template.deployed(logicalId, {
          ref: `${bus}|${name}`,
          attributes: { Arn: arn('events', bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`) },
        });
        break;
      }
      case 'AWS::SQS::Queue': {
        const name = generatedName(logicalId, 80);
        template.deployed(logicalId, {
          ref: `https://sqs.${deployedRegion}.amazonaws.com/${deployedAccount}/${name}`,
          attributes: { Arn: arn('sqs', name), QueueName: name },
        });
        break;
      }
      case 'AWS::ApiGateway::RestApi':
        template.deployed(logicalId, { ref: 'itvapi0001', attributes: { RootResourceId: 'root000001' } });
        break;
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::Model':
      case 'AWS::ApiGateway::RequestValidator':
      case 'AWS::ApiGateway::Deployment':
      case 'AWS::ApiGateway::Stage':
        template.deployed(logicalId, { ref: logicalId.slice(-10).toLowerCase(), attributes: {} });
        break;
      case 'AWS::DynamoDB::Table': {
        const name = generatedName(logicalId, 255);
        template.deployed(logicalId, { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`) } });
        break;
      }
      case 'AWS::S3::Bucket': {
        const name = generatedName(logicalId, 63, true);
        template.deployed(logicalId, {
          ref: name,
          attributes: { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com` },
        });
        break;
      }
    }
  }

  for (const [logicalId] of template.ofType('AWS::DynamoDB::Table')) {
    const p = props(logicalId);
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: template.physicalOf(logicalId).ref,
        AttributeDefinitions: p.AttributeDefinitions as never,
        KeySchema: p.KeySchema as never,
        GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as never,
        BillingMode: p.BillingMode as never,
      }),
    );
  }

  for (const [logicalId] of template.ofType('AWS::S3::Bucket')) {
    const p = props(logicalId);
    const Bucket = template.physicalOf(logicalId).ref;
    await clients.s3.send(
      new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: p.ObjectLockEnabled === true }),
    );
    if ((p.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled') {
      await clients.s3.send(
        new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    }
    const lock = p.ObjectLockConfiguration as { ObjectLockEnabled: string; Rule?: unknown } | undefined;
    if (lock) {
      await clients.s3.send(
        new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: lock as never }),
      );
    }
  }
  // Bucket policies are enforced by the IAM gateway, which knows a function reaches S3 over TLS; moto would judge
  // their `aws:SecureTransport` deny against the suite's plain HTTP and refuse every write.

  for (const [logicalId] of template.ofType('AWS::KMS::Key')) {
    const p = props(logicalId);
    const created = await clients.kms.send(
      new CreateKeyCommand({
        KeySpec: p.KeySpec as never,
        KeyUsage: p.KeyUsage as never,
        Description: p.Description as string,
        Policy: JSON.stringify(template.resolve(p.KeyPolicy)),
      }),
    );
    const key = created.KeyMetadata!;
    template.deployed(logicalId, { ref: key.KeyId!, attributes: { Arn: key.Arn!, KeyId: key.KeyId! } });
  }

  for (const [logicalId] of template.ofType('AWS::CloudWatch::Alarm')) {
    const p = template.resolve(props(logicalId)) as Properties;
    await clients.cloudwatch.send(
      new PutMetricAlarmCommand({ ...(p as object), AlarmName: template.physicalOf(logicalId).ref } as never),
    );
  }

  for (const [logicalId] of template.ofType('AWS::Events::EventBus')) {
    await clients.events.send(new CreateEventBusCommand({ Name: template.physicalOf(logicalId).ref }));
  }

  for (const [logicalId] of template.ofType('AWS::AppConfig::Application')) {
    const p = props(logicalId);
    const created = await clients.appconfig.send(
      new CreateApplicationCommand({ Name: String(p.Name), Description: p.Description as string }),
    );
    template.deployed(logicalId, { ref: created.Id!, attributes: { ApplicationId: created.Id! } });
  }
  for (const [logicalId] of template.ofType('AWS::AppConfig::Environment')) {
    const p = template.resolve(props(logicalId)) as Properties;
    const created = await clients.appconfig.send(
      new CreateEnvironmentCommand({
        ApplicationId: String(p.ApplicationId),
        Name: String(p.Name),
        Description: p.Description as string,
        Monitors: p.Monitors as never,
      }),
    );
    template.deployed(logicalId, { ref: created.Id!, attributes: { EnvironmentId: created.Id! } });
  }
  for (const [logicalId] of template.ofType('AWS::AppConfig::ConfigurationProfile')) {
    const p = template.resolve(props(logicalId)) as Properties;
    const created = await clients.appconfig.send(
      new CreateConfigurationProfileCommand({
        ApplicationId: String(p.ApplicationId),
        Name: String(p.Name),
        LocationUri: String(p.LocationUri),
        Type: p.Type as string,
        Validators: p.Validators as never,
      }),
    );
    template.deployed(logicalId, { ref: created.Id!, attributes: { ConfigurationProfileId: created.Id! } });
  }
  for (const [logicalId] of template.ofType('AWS::AppConfig::DeploymentStrategy')) {
    const p = template.resolve(props(logicalId)) as Properties;
    const created = await clients.appconfig.send(
      new CreateDeploymentStrategyCommand({
        Name: String(p.Name),
        DeploymentDurationInMinutes: Number(p.DeploymentDurationInMinutes),
        FinalBakeTimeInMinutes: Number(p.FinalBakeTimeInMinutes),
        GrowthFactor: Number(p.GrowthFactor),
        GrowthType: p.GrowthType as never,
        ReplicateTo: p.ReplicateTo as never,
      }),
    );
    template.deployed(logicalId, { ref: created.Id!, attributes: { Id: created.Id! } });
  }
}

/** The identity policies attached to each role: its inline policies, AWS::IAM::Policy and managed policies. */
export function rolePolicies(template: StackTemplate): Map<string, Array<{ name: string; policy: unknown }>> {
  const byRole = new Map<string, Array<{ name: string; policy: unknown }>>();
  const add = (roleRef: unknown, name: string, policy: unknown) => {
    const logicalId = (roleRef as { Ref?: string }).Ref;
    if (!logicalId) return;
    byRole.set(logicalId, [...(byRole.get(logicalId) ?? []), { name, policy: template.resolve(policy) }]);
  };
  for (const [logicalId, resource] of Object.entries(template.resources)) {
    const p = (resource.Properties ?? {}) as Properties;
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      for (const role of (p.Roles as unknown[] | undefined) ?? []) add(role, logicalId, p.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const inline of (p.Policies as
        | Array<{ PolicyName: string; PolicyDocument: unknown }>
        | undefined) ?? []) {
        add({ Ref: logicalId }, inline.PolicyName, inline.PolicyDocument);
      }
    }
  }
  return byRole;
}
