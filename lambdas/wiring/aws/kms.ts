import { KMSClient } from '@aws-sdk/client-kms';
import { KmsSigner } from '../../adapters/aws/kms-signer.js';
import type { Signer } from '../../ports/signer.js';
import { requiredEnv } from '../env.js';

/** The KMS key named by `ITV_KMS_KEY_ID`: signs (FormDecision, SignCheckpoint) or gives its public key. */
export function kmsSigner(env: NodeJS.ProcessEnv): Signer {
  return new KmsSigner(new KMSClient({}), requiredEnv('ITV_KMS_KEY_ID', env));
}
