import type { ClockKind } from '../console/views/value-document.js';
import type { ItvApi } from './itv-api.js';

/**
 * The clock whose instants the target's ledger holds: a deployed stack's is the wall clock; a local home's is the
 * one its control plane runs on, asked of it (`/local/health`), since ITV_CLOCK is read when the control plane
 * starts and the command asking may have been run with another. Virtual unless the control plane says wall.
 */
export async function targetClock(api: ItvApi): Promise<ClockKind> {
  if (api.kind === 'deployed') return 'wall';
  const health = await api.client.call<{ clockMode?: unknown }>('GET', '/local/health');
  return health.status === 200 && health.body.clockMode === 'wall' ? 'wall' : 'virtual';
}
