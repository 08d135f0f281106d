import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { loadCatalog } from '../../catalog/index.js';
import { AppConfigReleaser } from '../adapters/aws/appconfig-releaser.js';
import { CloudWatchTelemetry } from '../adapters/aws/cloudwatch-telemetry.js';
import { DynamoLedgerStore } from '../adapters/aws/dynamodb-ledger-store.js';
import { DynamoStateStore } from '../adapters/aws/dynamodb-state-store.js';
import { KmsSigner } from '../adapters/aws/kms-signer.js';
import { S3EvidenceStore } from '../adapters/aws/s3-evidence-store.js';
import { ConfigurationError } from '../core/errors.js';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import { baselinesOf } from '../core/release/slo.js';
import type { Clock, IdSource } from '../ports/clock.js';
import type { Releaser, Telemetry } from '../ports/releaser.js';
import { requiredEnv, requiredJsonMap } from './env.js';

/**
 * The AWS composition root. Each Lambda gets only the environment variables its role needs, so every
 * adapter is built on first use: a stage that never releases never reads the AppConfig variables, and only
 * the decision stage has `ITV_KMS_KEY_ID`.
 */
const systemClock: Clock = { now: () => new Date() };
const randomIds: IdSource = { next: (prefix) => `${prefix}-${crypto.randomUUID()}` };

let dynamo: DynamoDBClient | undefined;
const dynamoClient = () => {
  dynamo ??= new DynamoDBClient({});
  return dynamo;
};

function lazy<T extends object>(build: () => T): T {
  let value: T | undefined;
  return new Proxy({} as T, {
    get(_target, property) {
      value ??= build();
      const member = Reflect.get(value, property, value);
      return typeof member === 'function' ? member.bind(value) : member;
    },
  });
}

let deps: PipelineDeps | undefined;

/** Adapters for the pipeline stages, built once per container from the function's environment. */
export async function awsPipelineDeps(): Promise<PipelineDeps> {
  deps ??= buildPipelineDeps(process.env);
  return deps;
}

export function buildPipelineDeps(env: NodeJS.ProcessEnv): PipelineDeps {
  const catalog = loadCatalog();
  const kmsKeyId = env.ITV_KMS_KEY_ID;
  const signer = kmsKeyId ? new KmsSigner(new KMSClient({}), kmsKeyId) : undefined;
  return {
    ledgerName: requiredEnv('ITV_LEDGER_NAME', env),
    ledger: lazy(() => new DynamoLedgerStore(dynamoClient(), requiredEnv('ITV_LEDGER_TABLE', env))),
    state: lazy(() => new DynamoStateStore(dynamoClient(), requiredEnv('ITV_STATE_TABLE', env))),
    catalog,
    clock: systemClock,
    ids: randomIds,
    signer,
    publicKey: async () => {
      if (!signer)
        throw new ConfigurationError(
          'environment variable ITV_KMS_KEY_ID is required to read the public key',
        );
      return signer.publicKeySpkiDer();
    },
    releaser: lazy<Releaser>(
      () =>
        new AppConfigReleaser({
          client: new AppConfigClient({}),
          applicationId: requiredEnv('ITV_APPCONFIG_APPLICATION_ID', env),
          environments: requiredJsonMap('ITV_APPCONFIG_ENVIRONMENTS', env),
          profiles: requiredJsonMap('ITV_APPCONFIG_PROFILES', env),
          strategies: requiredJsonMap('ITV_APPCONFIG_STRATEGIES', env),
          // Feature-flag profiles take AppConfig's flag document, built from the catalog's contract.
          services: catalog.services,
          // Irreversible releases disable and restore their monitors' alarm actions, and read the monitors.
          cloudwatch: new CloudWatchClient({}),
        }),
    ),
    telemetry: lazy<Telemetry>(
      () => new CloudWatchTelemetry({ client: new CloudWatchClient({}), baselines: baselinesOf(catalog) }),
    ),
    evidence: lazy(() => new S3EvidenceStore(new S3Client({}), requiredEnv('ITV_EVIDENCE_BUCKET', env))),
  };
}

/** What the API handlers need: ledger and state, no signer. */
export async function awsLedgerAccess(): Promise<
  Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'state' | 'clock' | 'catalog'>
> {
  const all = await awsPipelineDeps();
  return {
    ledger: all.ledger,
    ledgerName: all.ledgerName,
    state: all.state,
    clock: all.clock,
    catalog: all.catalog,
  };
}
