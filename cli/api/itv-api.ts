import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import type {
  ActingAs,
  ApiAnswer,
  ApiMethod,
  ControlPlaneClient,
  RawAnswer,
} from '../control-plane/client.js';
import type { DeployedContext } from '../remote/contexts.js';

/** The requests every command sends, whichever stack answers them. */
export interface ApiClient {
  call<T = Record<string, unknown>>(
    method: ApiMethod,
    path: string,
    options?: { body?: unknown; as?: ActingAs },
  ): Promise<ApiAnswer<T>>;
  text(path: string): Promise<RawAnswer>;
}

/** Which stack a command talks to, before anything is started or sent. */
export type Target =
  | { kind: 'local'; home: string }
  | { kind: 'deployed'; name: string; context: DeployedContext };

/**
 * The stack a command talks to: the home's local control plane (the default), or a deployed stack's API
 * Gateway chosen by a context (`itv context use`, ITV_CONTEXT or `--context`). One client, two transports:
 * commands send the same routes either way, and only what the local runtime alone has (the live progress of
 * an execution, `--as`) depends on which.
 */
export type ItvApi =
  | { kind: 'local'; client: ControlPlaneClient; home: string }
  | { kind: 'deployed'; client: ApiClient; name: string; endpoint: string };

export async function chosenTarget(env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const { currentContext } = await import('../remote/contexts.js');
  const chosen = currentContext(env);
  return chosen ? { kind: 'deployed', ...chosen } : { kind: 'local', home: itvHome(env) };
}

/** Connects to the target: the local control plane is started if none runs; a deployed one is just named. */
export async function connect(target: Target): Promise<ItvApi> {
  if (target.kind === 'local') {
    const { controlPlane } = await import('../control-plane/client.js');
    return { kind: 'local', client: await controlPlane(target.home), home: target.home };
  }
  const { RemoteApiClient } = await import('../remote/remote-client.js');
  return {
    kind: 'deployed',
    client: new RemoteApiClient(target.name, target.context),
    name: target.name,
    endpoint: target.context.endpoint,
  };
}

export async function openApi(env: NodeJS.ProcessEnv = process.env): Promise<ItvApi> {
  return connect(await chosenTarget(env));
}

/**
 * Whose ledger a command read, for a message saying something is not on it: the home's (a folder of its own
 * under each working folder unless ITV_HOME names one, so a command run elsewhere reads another, new ledger)
 * or the deployed stack's.
 */
export function ledgerOf(api: ItvApi): string {
  return api.kind === 'local' ? `the ledger of ${api.home}` : `the ledger of ${api.name} (${api.endpoint})`;
}
