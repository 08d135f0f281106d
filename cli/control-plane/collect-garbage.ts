import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, on request of the home's own CLI (`GET /local/health?collect=1`), so that a
 * measurement of what the control plane retains after its work is done counts live objects, not garbage the
 * collector has not reached yet. `--expose-gc` set at run time exposes `gc` to contexts created after it.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
