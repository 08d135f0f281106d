import type { PayloadStore } from '../../ports/payload-store.js';
import type { ReleaseRequest } from '../../ports/releaser.js';
import { ConfigurationError, VersionConflictError } from '../errors.js';
import type { PayloadRef } from '../intake/payload-ref.js';
import type { Intent } from '../intent.js';
import { stateKeys } from '../state-keys.js';
import type { PipelineDeps } from './deps.js';
import { payloadContent } from './payloads.js';

/**
 * The configurations a release deploys, as the state table keeps them: the hosted version created once per
 * intent (and per exposure step), and what itv last released to everyone on a profile, which a stepped
 * release keeps for the users it does not expose yet (docs/RELEASE.md).
 */

/** What itv last released to everyone on the profile, if anything (`rememberReleased`). */
export async function releasedContent(
  service: string,
  profile: string,
  deps: Pick<PipelineDeps, 'state'> & Partial<Pick<PipelineDeps, 'payloads'>>,
): Promise<Record<string, unknown> | undefined> {
  const key = stateKeys.releasedContent(service, profile);
  const kept = (await deps.state.get<ReleasedRecord>(key.pk, key.sk))?.data;
  if (kept?.payloadRef) return payloadContent(kept.payloadRef, payloadsOf(deps));
  return kept?.content;
}

/** The payload store, for a caller that may run without one until content by reference is to be read. */
export function payloadsOf(deps: Partial<Pick<PipelineDeps, 'payloads'>>): PayloadStore {
  if (!deps.payloads) throw new ConfigurationError('reading a payload by reference needs a payload store');
  return deps.payloads;
}

/** Inline content as it was released, or the reference of content released by reference (a state item holds 400 KB). */
type ReleasedRecord = { content?: Record<string, unknown>; payloadRef?: PayloadRef };

/**
 * The intent's hosted configuration version: created once, kept in the state table, and deployed by every
 * attempt, so a start retried while the lane is busy does not add a version each time. Two attempts racing
 * (a redelivered task) keep the first one's.
 */
export async function hostedVersion(request: ReleaseRequest, deps: PipelineDeps, step = 0): Promise<string> {
  const key = stateKeys.hostedVersion(request.intentId, step);
  const kept = await deps.state.get<{ version: string }>(key.pk, key.sk);
  if (kept) return kept.data.version;
  const version = await deps.releaser.prepare(request);
  try {
    await deps.state.put(key.pk, key.sk, { version }, 0);
    return version;
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const first = await deps.state.get<{ version: string }>(key.pk, key.sk);
    return first?.data.version ?? version;
  }
}

/** Keeps what is now released to everyone on the profile: the configuration a later stepped release keeps for the rest. */
export async function rememberReleased(intent: Intent, deps: Pick<PipelineDeps, 'state'>): Promise<void> {
  const key = stateKeys.releasedContent(intent.change.service, intent.change.profile);
  const { payload, payloadRef } = intent.change;
  const released: ReleasedRecord = payloadRef ? { payloadRef } : { content: payload ?? {} };
  await deps.state.put(key.pk, key.sk, released);
}
