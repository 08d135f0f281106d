import { loadCatalog } from '../../../catalog/index.js';
import type { Catalog } from '../../core/catalog-schema.js';
import { ConfigurationError } from '../../core/errors.js';
import type { PipelineDeps } from '../../core/pipeline/deps.js';
import type { PolicySet } from '../../core/policy/types.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import type { LaneWake } from '../../ports/lane-wake.js';
import type { PayloadStore } from '../../ports/payload-store.js';
import type { Releaser, Telemetry } from '../../ports/releaser.js';
import type { Signer } from '../../ports/signer.js';
import { requiredEnv } from '../env.js';
import { dynamoLedger, dynamoState } from './dynamodb.js';
import { absentAdapter, onFirstUse } from './on-first-use.js';
import { randomIds, systemClock } from './runtime.js';

/**
 * The adapters one function uses beyond the ledger and state tables, each a factory from its own module
 * (`kms.ts`, `appconfig.ts`, ...), so a function's bundle imports only the SDK clients it calls.
 */
export interface FunctionAdapters {
  signer?: (env: NodeJS.ProcessEnv) => Signer;
  releaser?: (env: NodeJS.ProcessEnv, catalog: Catalog) => Releaser;
  telemetry?: (env: NodeJS.ProcessEnv, catalog: Catalog) => Telemetry;
  evidence?: (env: NodeJS.ProcessEnv) => EvidenceStore;
  /** For the functions that read payloads by reference (the stages that validate, judge or release content). */
  payloads?: (env: NodeJS.ProcessEnv) => PayloadStore;
  /** The catalog as the function needs it; functions that validate contracts pass one with them compiled. */
  catalog?: () => Catalog;
  /** The policy set, for the functions that evaluate policy or find reviewers (it weighs on every bundle). */
  policies?: PolicySet;
  /** For the functions that wake executions parked for their lane. */
  laneWake?: (env: NodeJS.ProcessEnv) => LaneWake;
}

/**
 * The AWS composition root of one function: its `PipelineDeps`, built once per container on the first call
 * and never at import, from the adapters it names. An adapter it does not name is one that fails with a
 * `ConfigurationError` naming it; without a signer, `signer` is absent, as the core expects.
 */
export function awsPipelineDeps(
  functionName: string,
  adapters: FunctionAdapters = {},
  env: NodeJS.ProcessEnv = process.env,
): () => Promise<PipelineDeps> {
  let deps: PipelineDeps | undefined;
  return async () => {
    deps ??= composeDeps(functionName, adapters, env);
    return deps;
  };
}

function composeDeps(functionName: string, adapters: FunctionAdapters, env: NodeJS.ProcessEnv): PipelineDeps {
  const catalog = (adapters.catalog ?? loadCatalog)();
  const absent = <T extends object>(adapter: string) => absentAdapter<T>(adapter, functionName);
  const { signer: signerOf, releaser, telemetry, evidence, payloads, laneWake } = adapters;
  const signer = signerOf ? onFirstUse(() => signerOf(env)) : undefined;
  return {
    // Read when used: a function without ledger access (AwaitLane) is not given the ledger's name.
    get ledgerName() {
      return requiredEnv('ITV_LEDGER_NAME', env);
    },
    ledger: onFirstUse(() => dynamoLedger(env)),
    state: onFirstUse(() => dynamoState(env)),
    catalog,
    policies: adapters.policies ?? absent<PolicySet>('policy set'),
    clock: systemClock,
    ids: randomIds,
    signer,
    publicKey: async () => {
      if (!signer)
        throw new ConfigurationError(`the ${functionName} function has no signer to read the public key of`);
      return signer.publicKeySpkiDer();
    },
    releaser: releaser ? onFirstUse(() => releaser(env, catalog)) : absent<Releaser>('releaser'),
    telemetry: telemetry ? onFirstUse(() => telemetry(env, catalog)) : absent<Telemetry>('telemetry'),
    evidence: evidence ? onFirstUse(() => evidence(env)) : absent<EvidenceStore>('evidence store'),
    payloads: payloads ? onFirstUse(() => payloads(env)) : absent<PayloadStore>('payload store'),
    ...(laneWake ? { laneWake: onFirstUse(() => laneWake(env)) } : {}),
  };
}
