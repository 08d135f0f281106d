import { InvalidInputError } from '../../lambdas/core/errors.js';
import type { ActingAs } from '../control-plane/client.js';
import { namedPrincipal } from '../runtime/local-caller.js';
import { principalVariable } from '../runtime/principal-variable.js';
import type { ItvApi, Target } from './itv-api.js';

/**
 * Who a request acts as, settled before anything starts. Locally: `--as` or ITV_PRINCIPAL. On a deployed
 * stack, the AWS identity that signs the request: naming anybody there is refused rather than ignored.
 */
export function actingAs(
  target: Target,
  as: string | undefined,
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): ActingAs | undefined {
  if (target.kind === 'local') return namedPrincipal(as, env, command);
  if (as !== undefined) {
    throw new InvalidInputError(`${command} --as is for the local stack`, [
      {
        path: '--as',
        message: `on the deployed stack ${target.name} you act as the AWS identity your credentials sign with; leave --as (and ${principalVariable}) out`,
      },
    ]);
  }
  return undefined;
}

/** The line a command prints about who it acts as. */
export function actingLine(api: ItvApi, as: ActingAs | undefined): string {
  if (api.kind === 'deployed') return `acting as your AWS identity (SigV4) on ${api.name}, ${api.endpoint}`;
  return `acting as ${as?.named}, named by ${as?.via} (local runtime: not verified)`;
}
