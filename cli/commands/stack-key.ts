import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pemToSpki } from '../../lambdas/core/evidence/pem.js';
import { getJson } from '../api/api-get.js';
import { chosenTarget } from '../api/itv-api.js';

/**
 * The key `itv evidence verify` pins when none is given: the signing key of the stack this CLI talks to, and
 * where it came from; or, when none can be reached, why. A bundle's own `public-key.pem` is never this key: a
 * bundle someone else signed carries theirs.
 */
export type StackKey = { spkiDer: Uint8Array; from: string } | { spkiDer?: undefined; why: string };

/**
 * The home's key (`keys/signing-key.pem`, read as it lies: nothing is started, and a home without one is not
 * given one), or the current context's, as `GET /ledger/checkpoints` names it, as `itv ledger verify` takes it.
 */
export async function stackKey(env: NodeJS.ProcessEnv = process.env): Promise<StackKey> {
  const target = await chosenTarget(env);
  if (target.kind === 'local') return homeKey(target.home);
  const stack = `the stack ${target.name} (${target.context.endpoint})`;
  try {
    const { RemoteApiClient } = await import('../remote/remote-client.js');
    const client = new RemoteApiClient(target.name, target.context);
    const answer = await getJson<{ publicKeyPem?: unknown }>(
      (path) => client.text(path),
      '/ledger/checkpoints',
    );
    if (typeof answer.publicKeyPem !== 'string') return { why: `${stack} named no public key` };
    return { spkiDer: pemToSpki(answer.publicKeyPem), from: stack };
  } catch (error) {
    return { why: `${stack} did not give its key: ${(error as Error).message}` };
  }
}

function homeKey(home: string): StackKey {
  const file = join(home, 'keys', 'signing-key.pem');
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      why:
        code === 'ENOENT'
          ? `the home ${home} holds no signing key (keys/signing-key.pem; no stack ran there)`
          : `the home's signing key ${file} cannot be read: ${(error as Error).message}`,
    };
  }
  try {
    const spkiDer = new Uint8Array(createPublicKey(pem).export({ type: 'spki', format: 'der' }));
    return { spkiDer, from: `the stack of ${home} (its signing key, keys/signing-key.pem)` };
  } catch (error) {
    return { why: `the home's signing key ${file} is not a key: ${(error as Error).message}` };
  }
}
