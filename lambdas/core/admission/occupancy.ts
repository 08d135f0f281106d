import type { StateStore } from '../../ports/state-store.js';
import { TransientError, VersionConflictError } from '../errors.js';
import { type InFlightRecord, stateKeys } from '../state-keys.js';
import { Turns } from '../turns.js';
import type { Occupancy, OccupancyWrite } from './decide-admission.js';

/** Rounds of read–decide–commit before giving up to the state machine's retry. */
export const maxSettleRounds = 50;

/**
 * How many of its latest commits the sequencer names: enough to tell, for a place written to commit at one of
 * those versions, whether it did. A place whose writer died before committing is normally written again within
 * moments (the stage runs again); one older than this many commits counts as written.
 */
export const rememberedCommits = 64;

interface SequencerData {
  intentId: string;
  verdict: string;
  at: string;
  /** `[version, intentId]` of the latest commits, oldest first (absent on a sequencer from before they were kept). */
  commits?: ReadonlyArray<readonly [number, string]>;
}

/**
 * Reads the sequencer version first, then the INFLIGHT partition, so a commit at that version saw it all. A place
 * written for a commit that never happened is left out, whoever's it is: its writer died between writing it and
 * committing it (or putting back what it replaced), so it holds no lease and no ticket.
 */
export async function readOccupancy(state: StateStore, intentId: string): Promise<Occupancy> {
  const key = stateKeys.admissionSequencer();
  const sequencer = await state.get<SequencerData>(key.pk, key.sk);
  const version = sequencer?.version ?? 0;
  const commits = sequencer?.data.commits ?? [];
  const committedBy = new Map(commits);
  const items = await state.list<InFlightRecord>(stateKeys.inFlight().pk);
  const places = items.flatMap((item) => {
    const place = committedPlace(item.data, version, committedBy, commits[0]?.[0]);
    return place ? [place] : [];
  });
  const mine = places.find((place) => place.intentId === intentId);
  return {
    version,
    ...(mine ? { mine } : {}),
    others: places.filter((place) => place.intentId !== intentId),
    commits,
    stored: new Map(items.map((item) => [item.data.intentId, { version: item.version, place: item.data }])),
  };
}

/**
 * The places of `intentIds` as admission counts them (`readOccupancy`), each read by its key: the sequencer first,
 * then the places, so a place committed at the version read is seen as committed. Absent: no place, or one whose
 * commit never happened. What a park reads (by key, without listing the partition) to tell whether its way changed.
 */
export async function readPlaces(
  state: StateStore,
  intentIds: readonly string[],
): Promise<Map<string, InFlightRecord>> {
  const key = stateKeys.admissionSequencer();
  const sequencer = await state.get<SequencerData>(key.pk, key.sk);
  const version = sequencer?.version ?? 0;
  const commits = sequencer?.data.commits ?? [];
  const committedBy = new Map(commits);
  const places = new Map<string, InFlightRecord>();
  for (const intentId of intentIds) {
    const placeKey = stateKeys.inFlightIntent(intentId);
    const item = await state.get<InFlightRecord>(placeKey.pk, placeKey.sk);
    const place = item ? committedPlace(item.data, version, committedBy, commits[0]?.[0]) : undefined;
    if (place) places.set(intentId, place);
  }
  return places;
}

/**
 * A place as it counts: without its `commitAt` once the sequencer shows that commit as its writer's (the intent's
 * own, or `commitBy`'s); until then, an intent's own place is left out and a place another admission wrote for it
 * reads as it was before (`before`). A place not yet committed (`commitAt` past the version read) reads so too: if
 * its writer is alive, its commit and any commit made on what was read here are at the same version, so one of
 * them fails and reads again.
 */
function committedPlace(
  place: InFlightRecord,
  version: number,
  committedBy: ReadonlyMap<number, string>,
  oldestRemembered: number | undefined,
): InFlightRecord | undefined {
  const { commitAt, commitBy, before, ...committed } = place;
  if (commitAt === undefined) return place;
  // Beyond what the sequencer remembers it cannot be told: it counts.
  const forgotten = oldestRemembered === undefined || commitAt < oldestRemembered;
  if (commitAt <= version && (forgotten || committedBy.get(commitAt) === (commitBy ?? place.intentId)))
    return committed;
  if (commitBy === undefined) return undefined;
  return before ?? committed;
}

/**
 * What the rounds of one admission remember between them: the uncommitted write of another intent's place that a
 * round gave way to (its key and item version), so that a later round finding it unchanged fences it.
 */
export interface SettleMemo {
  gaveWayTo?: string;
}

/**
 * Applies this intent's write. A committing write goes first to the intent's own record, then bumps the
 * sequencer conditioned on the version read: any admission that commits later must have read the sequencer after
 * this commit, hence listed the partition after this record was written, so two overlapping intents are never
 * both admitted. On a lost race the record is put back as it was and false is returned.
 *
 * Another intent's place (a holder this admission preempts) is written only as it was read: conditioned on its item
 * version, and never over a write that may yet commit (`commitAt` past the version read, by its own admission or
 * another's). Two emergencies that preempt one holder at one version thus never both write it: the second's write
 * fails and its round is lost before its commit, and nothing it puts back can replace the place the winner
 * committed, nor bring back a place its holder's Learn deleted meanwhile. What a lost round puts back is the place as
 * stored, conditioned on the version its own write made. An uncommitted write still there, unchanged, when a later
 * round reads it again is fenced: its writer died before its commit, or is slow to make it; the sequencer is moved
 * on at the version read, naming no intent, so that write can never commit and reads as what it replaced.
 */
export async function applyOccupancyWrite(
  state: StateStore,
  intentId: string,
  occupancy: Occupancy,
  write: OccupancyWrite | undefined,
  meta: { verdict: string; at: string },
  memo: SettleMemo = {},
): Promise<boolean> {
  if (!write) return true;
  const key = stateKeys.inFlightIntent(intentId);
  if (write.record === null) {
    await state.delete(key.pk, key.sk);
    return true;
  }
  const commitAt = occupancy.version + 1;
  // A preempted intent's record changes with the admission that preempts it, under the same sequencer commit:
  // until the sequencer names it, the record reads as it was.
  const others = write.commit ? (write.others ?? []) : [];
  for (const other of others) {
    const stored = occupancy.stored?.get(other.intentId);
    const pendingAt = stored?.place.commitAt;
    // This intent's own earlier attempt, which died before its commit, is no race: this commit supersedes it.
    if (stored === undefined || pendingAt === undefined || pendingAt <= occupancy.version) continue;
    if (stored.place.commitBy === intentId) continue;
    const seen = `${other.intentId}@${stored.version}`;
    if (pendingAt === commitAt && memo.gaveWayTo === seen) await fence(state, intentId, occupancy, meta.at);
    memo.gaveWayTo = seen;
    return false;
  }
  await state.put(key.pk, key.sk, write.commit ? { ...write.record, commitAt } : write.record);
  const written: Array<{ intentId: string; version: number }> = [];
  const putBack = async () => {
    if (occupancy.mine) await state.put(key.pk, key.sk, occupancy.mine);
    else await state.delete(key.pk, key.sk);
    for (const { intentId: otherId, version } of written) {
      const stored = occupancy.stored?.get(otherId);
      const otherKey = stateKeys.inFlightIntent(otherId);
      try {
        if (stored) await state.put(otherKey.pk, otherKey.sk, stored.place, version);
        else await state.delete(otherKey.pk, otherKey.sk, version);
      } catch (error) {
        // Written again since: whoever wrote it decides what it holds.
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
  };
  for (const other of others) {
    const before = occupancy.others.find((r) => r.intentId === other.intentId);
    const otherKey = stateKeys.inFlightIntent(other.intentId);
    try {
      const item = await state.put(
        otherKey.pk,
        otherKey.sk,
        { ...other, commitAt, commitBy: intentId, ...(before ? { before } : {}) },
        occupancy.stored?.get(other.intentId)?.version ?? 0,
      );
      written.push({ intentId: other.intentId, version: item.version });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      await putBack();
      return false;
    }
  }
  if (!write.commit) return true;
  const sequencer = stateKeys.admissionSequencer();
  try {
    await state.put<SequencerData>(
      sequencer.pk,
      sequencer.sk,
      {
        intentId,
        verdict: meta.verdict,
        at: meta.at,
        commits: [...(occupancy.commits ?? []), [commitAt, intentId] as const].slice(-rememberedCommits),
      },
      occupancy.version,
    );
    return true;
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    await putBack();
    return false;
  }
}

/**
 * Moves the sequencer on from the version read without committing any place (the commit names no intent), so a
 * place written to commit at the next version never will: it reads as the place it replaced. Lost to another
 * commit, it is not needed: that commit did the same.
 */
async function fence(state: StateStore, intentId: string, occupancy: Occupancy, at: string): Promise<void> {
  const sequencer = stateKeys.admissionSequencer();
  try {
    await state.put<SequencerData>(
      sequencer.pk,
      sequencer.sk,
      {
        intentId,
        verdict: 'fence',
        at,
        commits: [...(occupancy.commits ?? []), [occupancy.version + 1, ''] as const].slice(
          -rememberedCommits,
        ),
      },
      occupancy.version,
    );
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
  }
}

/** Admissions in this process, in turn per state store. */
const turns = new Turns();

/**
 * Reads, decides and writes until a decision's write lands; `decide` must be pure in the occupancy it is given.
 * Throws `TransientError` after `maxSettleRounds` lost races so the state machine retries the stage.
 *
 * Admissions through one store in one process take turns, in the order they arrive (the local runtime runs every
 * execution in one process; a Lambda container runs one at a time): racing each other they would only lose
 * rounds the process can order itself. Other processes still race through the sequencer's conditional commit.
 */
export async function settleAdmission<D extends { verdict: string; write?: OccupancyWrite }>(
  state: StateStore,
  intentId: string,
  at: string,
  decide: (occupancy: Occupancy) => D,
): Promise<{ decision: D; occupancy: Occupancy; rounds: number }> {
  const settle = async () => {
    const memo: SettleMemo = {};
    for (let round = 1; round <= maxSettleRounds; round++) {
      const occupancy = await readOccupancy(state, intentId);
      const decision = decide(occupancy);
      if (
        await applyOccupancyWrite(
          state,
          intentId,
          occupancy,
          decision.write,
          {
            verdict: decision.verdict,
            at,
          },
          memo,
        )
      ) {
        return { decision, occupancy, rounds: round };
      }
    }
    throw new TransientError(
      `admission of ${intentId} lost ${maxSettleRounds} races for the admission sequencer; retry the stage`,
    );
  };
  return turns.run(state, settle);
}
