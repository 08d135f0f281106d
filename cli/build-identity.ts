/**
 * The sources this process runs — the CLI's code, the catalog and the policies — as `bin/itv.js` names them
 * (`runningIdentity` in bin/cli-bundle.js: a hash of their contents). A control plane reports the identity it was
 * started with, and a command built from other sources does not take its answers from it
 * (cli/control-plane/client.ts). Undefined where the CLI was not started by `bin/itv.js` (the tests that import
 * its modules), which compares nothing.
 */
interface RunningBuild {
  /** The identity of the sources this process was started from (ITV_BUILD_IDENTITY, for tests, names another). */
  identity(): Promise<string>;
  /** The identity of the sources as they are on disk now. */
  sources(): Promise<string>;
}

const announced = (globalThis as Record<symbol, unknown>)[Symbol.for('itv.build')] as
  | RunningBuild
  | undefined;
let identity: Promise<string> | undefined;

/** The identity of the sources this process runs; undefined when it was not started by `bin/itv.js`. */
export function buildIdentity(): Promise<string> | undefined {
  if (!announced) return undefined;
  identity ??= announced.identity();
  return identity;
}

/** The identity of the sources on disk now (read anew at each call, ~40 ms); undefined as for `buildIdentity`. */
export function sourcesNow(): Promise<string> | undefined {
  return announced?.sources();
}
