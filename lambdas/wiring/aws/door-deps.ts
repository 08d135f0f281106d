import type { DoorDeps } from '../../api/submission.js';
import { intakeDeps } from './intake-deps.js';
import { onFirstUse } from './on-first-use.js';
import { s3Payloads } from './s3.js';

/**
 * `intakeDeps` and the payload store, for the functions that check submissions at the door (`submit-intent`,
 * `intake-event`); a module of its own so that functions starting intents without the door import no S3 client.
 */
export function doorDeps(env: NodeJS.ProcessEnv): DoorDeps {
  return Object.assign(intakeDeps(env), { payloads: onFirstUse(() => s3Payloads(env)) });
}
