import { resolve } from 'node:path';

/**
 * The folder holding local state: `ITV_HOME`, else `.itv/` under the working folder. Its own module, so that
 * the commands that only talk to the control plane do not load the embedded stack to find it.
 */
export function itvHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ITV_HOME ?? '.itv');
}
