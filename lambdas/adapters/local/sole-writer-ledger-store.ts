import type { DynamoDBClient, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { deepFreeze } from '../../core/deep-freeze.js';
import { TransientError } from '../../core/errors.js';
import { plainlyAppendable } from '../../core/ledger/appendable.js';
import { assertAppendable } from '../../core/ledger/entry.js';
import { SealedOnRead } from '../../core/ledger/hash.js';
import type { LedgerEntryDraft, StoredEntry } from '../../ports/ledger-store.js';
import { DynamoLedgerStore, type DynamoLedgerStoreOptions, toStored } from '../aws/dynamodb-ledger-store.js';
import { LEDGER_TABLE } from '../aws/tables.js';
import { DirectDynaliteClient } from './dynalite-direct.js';

/*
 * The ledger on the local stack's own dynalite, whose one writer is this process (the local stack only; AWS
 * never uses it, and its Lambda bundles do not carry it). When one process is the table's only writer, the
 * marker is redundant for keys of the form `${intentId}/…` (every key the pipeline makes): this process's
 * per-ledger queue already orders all appends, so "is K written?" can be answered from the intent's entries,
 * read once per intent from the byIntent index and then kept current by every write through this client.
 * dynalite updates its indexes before it answers a write, so that read sees every entry written before it,
 * including those of a process that died (crash recovery). An append is then one PutItem, and one Query per
 * intent. A write that fails in flight, or a lost race for the head (which only another writer can cause),
 * drops what is known of the intent and reads it again. Keys of another form take the marker path of
 * `DynamoLedgerStore`. The premise is kept by the local stack: one process owns a home (its lock) and
 * dynalite's LevelDB folder refuses a second opener; no other process writes through its endpoint. It does NOT
 * hold on AWS (concurrent Lambda invocations, eventually consistent GSI).
 * What a sole writer knows it also answers from: `forIntent` of an intent it has appended to, and `read` of a
 * range inside the newest entries it wrote in a row (`TAIL_ENTRIES` to twice that per ledger; the tail is dropped on any
 * failed or lost write, when it might no longer end at the head). The checkpoint and evidence stages ask for
 * exactly these. Entries kept in memory are frozen: callers share them.
 */

/**
 * Intents whose entries a sole writer keeps in memory, the most recently appended to; the oldest is dropped past
 * this, and read again (one query) if it appends once more. Twice the executions the control plane runs at once
 * by default (ITV_MAX_IN_FLIGHT, 8): a concluded intent's entries, payloads and all, need not outlive it.
 */
const REMEMBERED_INTENTS = 16;
/**
 * The newest entries of each ledger a sole writer keeps in memory (at least this many, fewer than twice as many),
 * for the reads checkpoints make (from the last signed checkpoint to the head: a few intents' entries); an older
 * range is read from the table.
 */
const TAIL_ENTRIES = 256;
const SLASH = '/'.charCodeAt(0);

/** An entry a sole writer knows: read from the table (frozen), or written by it (sealed at its first read). */
type Kept = StoredEntry | SealedOnRead;
const storedOf = (kept: Kept): StoredEntry => (kept instanceof SealedOnRead ? kept.stored : kept);

/** One intent's entries as a sole writer knows them, by idempotency key. */
type IntentEntries = Map<string, Kept>;

/**
 * A sole writer's record of the entries of the intents it appended to most recently, by `${table}/${ledger}` (the
 * store's `ledgerKey`), then intent id, then idempotency key: at most REMEMBERED_INTENTS, the oldest dropped.
 * Nested maps rather than one key made of the three: a key made afresh is hashed afresh, at every append.
 */
class KnownIntents {
  private readonly byLedger = new Map<string, Map<string, IntentEntries>>();
  /** Every intent kept, by its entries' map, least recently appended to first: the order they are dropped in. */
  private readonly recency = new Map<
    IntentEntries,
    { intents: Map<string, IntentEntries>; intentId: string }
  >();
  /** The intent appended to last: asked again, it is already where the most recent is kept. */
  private newest: IntentEntries | undefined;

  get(ledgerKey: string, intentId: string): IntentEntries | undefined {
    return this.byLedger.get(ledgerKey)?.get(intentId);
  }

  /** `keys` (what `get` answered) are the most recently appended to. */
  touch(keys: IntentEntries): void {
    if (keys === this.newest) return;
    const where = this.recency.get(keys);
    if (where === undefined) return;
    this.recency.delete(keys);
    this.recency.set(keys, where);
    this.newest = keys;
  }

  /** Keeps `keys` as the intent's, the most recently appended to, dropping the oldest past the bound. */
  remember(ledgerKey: string, intentId: string, keys: IntentEntries): void {
    let intents = this.byLedger.get(ledgerKey);
    if (intents === undefined) {
      intents = new Map();
      this.byLedger.set(ledgerKey, intents);
    }
    this.forget(ledgerKey, intentId);
    intents.set(intentId, keys);
    this.recency.set(keys, { intents, intentId });
    this.newest = keys;
    if (this.recency.size > REMEMBERED_INTENTS) {
      const [oldest, where] = this.recency.entries().next().value as [
        IntentEntries,
        { intents: Map<string, IntentEntries>; intentId: string },
      ];
      this.recency.delete(oldest);
      where.intents.delete(where.intentId);
    }
  }

  forget(ledgerKey: string, intentId: string): void {
    const intents = this.byLedger.get(ledgerKey);
    const keys = intents?.get(intentId);
    if (keys === undefined) return;
    intents?.delete(intentId);
    this.recency.delete(keys);
    if (keys === this.newest) this.newest = undefined;
  }
}

/** Each client's known intents: shared by every store on one client, as the append queues are. */
const knownByClient = new WeakMap<DynamoDBClient, KnownIntents>();
/** A sole writer's newest entries of each ledger, contiguous up to its head, by client then `${table}/${ledger}`. */
const tailsByClient = new WeakMap<DynamoDBClient, Map<string, Tail>>();

/** A ledger's newest entries, `first` the seq of `entries[0]`, each after the one before. */
interface Tail {
  first: number;
  entries: Kept[];
}

function sharedBy<T>(
  byClient: WeakMap<DynamoDBClient, Map<string, T>>,
  client: DynamoDBClient,
): Map<string, T> {
  let shared = byClient.get(client);
  if (shared === undefined) {
    shared = new Map();
    byClient.set(client, shared);
  }
  return shared;
}

export class SoleWriterLedgerStore extends DynamoLedgerStore {
  private readonly known: KnownIntents;
  private readonly tails: Map<string, Tail>;

  constructor(client: DynamoDBClient, tableName: string, options: DynamoLedgerStoreOptions = {}) {
    super(client, tableName, options);
    let known = knownByClient.get(client);
    if (known === undefined) {
      known = new KnownIntents();
      knownByClient.set(client, known);
    }
    this.known = known;
    this.tails = sharedBy(tailsByClient, client);
  }

  // Not async: the append's own promise is returned as it is, without a wrapper to settle first. A refusal thrown
  // here is the queue's to answer, as a rejection.
  protected override appendInOrder(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    if (!plainlyAppendable(ledger, draft)) assertAppendable(ledger, draft); // refuses a bad one before any I/O
    const { intentId, idempotencyKey } = draft;
    const ofIntent =
      idempotencyKey.charCodeAt(intentId.length) === SLASH && idempotencyKey.startsWith(intentId);
    return ofIntent ? this.appendAsSoleWriter(ledger, draft) : super.appendInOrder(ledger, draft);
  }

  /**
   * Exactly once without a marker: inside this process's queue for the ledger, the intent's entries are known
   * (read once per intent from the byIntent index, which dynalite updates before it answers a write, then
   * kept as they are written), so a key already written is returned, and any other is written at the head.
   * A lost race means the premise failed (another writer): the intent's entries are read again before each
   * further round, and after `maxAttempts` rounds TransientError.
   * Not async: the common case (an intent already known, the head this process wrote last) is the write's own
   * promise continued once, with no read; anything else is a `readingRound`.
   */
  private appendAsSoleWriter(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    const keys = this.known.get(this.ledgerKey(ledger), draft.intentId);
    const head = this.lastWritten.get(ledger);
    if (keys === undefined || head === undefined) return this.readingRound(ledger, draft, 1);
    this.known.touch(keys); // the most recently appended to is kept longest
    const existing = keys.get(draft.idempotencyKey);
    if (existing !== undefined) return Promise.resolve(storedOf(existing));
    return this.writeRound(ledger, draft, head, 1);
  }

  /**
   * Round `attempt`, reading what it does not know: the intent's entries (in the first round only when they are not
   * known already) and, after a lost round or with no head written yet, the head.
   */
  private async readingRound(ledger: string, draft: LedgerEntryDraft, attempt: number): Promise<StoredEntry> {
    let keys = attempt === 1 ? this.known.get(this.ledgerKey(ledger), draft.intentId) : undefined;
    if (keys === undefined) keys = await this.loadIntent(ledger, draft.intentId);
    else this.known.touch(keys);
    const existing = keys.get(draft.idempotencyKey);
    if (existing !== undefined) return storedOf(existing);
    const head =
      attempt === 1 ? (this.lastWritten.get(ledger) ?? (await this.head(ledger))) : await this.head(ledger);
    return this.writeRound(ledger, draft, head, attempt);
  }

  /** Writes the entry after `head` as round `attempt`; a round lost to another writer is followed by the next. */
  private writeRound(
    ledger: string,
    draft: LedgerEntryDraft,
    head: StoredEntry | undefined,
    attempt: number,
  ): Promise<StoredEntry> {
    return this.tryWrite(ledger, draft, head).then(
      (written) => written ?? this.afterLostRound(ledger, draft, attempt),
      (error: unknown) => {
        // The write may have landed: the next call reads the intent's entries again.
        this.known.forget(this.ledgerKey(ledger), draft.intentId);
        throw error;
      },
    );
  }

  /**
   * After round `attempt` lost the head to another writer: what is known of the intent is dropped, and after a
   * backoff the next round reads it again, or after `maxAttempts` rounds TransientError.
   */
  private async afterLostRound(
    ledger: string,
    draft: LedgerEntryDraft,
    attempt: number,
  ): Promise<StoredEntry> {
    this.known.forget(this.ledgerKey(ledger), draft.intentId);
    await this.backoff(attempt);
    if (attempt >= this.maxAttempts)
      throw new TransientError(
        `ledger ${ledger}: append of ${draft.idempotencyKey} lost ${this.maxAttempts} races for the head; retry later`,
      );
    return this.readingRound(ledger, draft, attempt + 1);
  }

  /**
   * Reads the intent's entries from the index and keeps them, as a sole writer knows them from then on. Called
   * only inside the ledger's append queue, so no write of the intent can overtake the read.
   */
  private async loadIntent(ledger: string, intentId: string): Promise<Map<string, Kept>> {
    const entries = (await this.queryIntent(ledger, intentId)).map(deepFreeze);
    const keys = new Map<string, Kept>(entries.map((stored) => [stored.entry.idempotencyKey, stored]));
    this.known.remember(this.ledgerKey(ledger), intentId, keys);
    return keys;
  }

  /**
   * An intent's entries from the byIntent index: through the owner's in-process client, read from the index's own
   * range (`DirectDynaliteClient.indexPartition`, the answer the Query gives at a tenth of its cost: this read is
   * what every intent's first append makes); through any other client, the Query.
   */
  protected override async queryIntent(ledger: string, intentId: string): Promise<StoredEntry[]> {
    if (!(this.client instanceof DirectDynaliteClient)) return super.queryIntent(ledger, intentId);
    const items = await this.client.indexPartition(
      this.tableName,
      LEDGER_TABLE.indexes.byIntent.name,
      intentId,
    );
    const stored: StoredEntry[] = [];
    for (const item of items)
      if (item[LEDGER_TABLE.partitionKey.name]?.S === ledger) stored.push(toStored(item));
    return stored;
  }

  override async read(ledger: string, fromSeq = 0, toSeq?: number): Promise<StoredEntry[]> {
    if (toSeq !== undefined && toSeq <= fromSeq) return [];
    const tail = this.tails.get(this.ledgerKey(ledger));
    if (tail !== undefined && fromSeq >= tail.first) {
      // A sole writer's tail ends at the head: every append through this client extends it.
      const { first, entries } = tail;
      const end = Math.min(toSeq ?? Number.POSITIVE_INFINITY, first + entries.length);
      return entries.slice(fromSeq - first, Math.max(end - first, fromSeq - first)).map(storedOf);
    }
    return super.read(ledger, fromSeq, toSeq);
  }

  override async forIntent(ledger: string, intentId: string): Promise<StoredEntry[]> {
    // A sole writer knows every entry of an intent it has appended to: the pipeline asks again at each stage.
    // What it learns here it does not keep: only an append, in the ledger's queue, may set what is known, or a
    // read overtaken by a write could hide that write from the next append.
    const known = this.known.get(this.ledgerKey(ledger), intentId);
    if (known === undefined) return super.forIntent(ledger, intentId);
    return Array.from(known.values(), storedOf).sort((a, b) => a.entry.seq - b.entry.seq);
  }

  /**
   * Every write through this client keeps a known intent's entries exact, whichever path made it, and extends the
   * ledger's tail.
   */
  protected override written(ledger: string, text: string, stored: StoredEntry): void {
    // Kept as its text, parsed by the first read that wants it: many are never read back.
    const kept = new SealedOnRead(text, stored.hash);
    const { intentId, idempotencyKey, seq } = stored.entry;
    const tailKey = this.ledgerKey(ledger);
    this.known.get(tailKey, intentId)?.set(idempotencyKey, kept);
    const tail = this.tails.get(tailKey);
    if (tail !== undefined && tail.first + tail.entries.length === seq) {
      tail.entries.push(kept);
      // Trimmed back to TAIL_ENTRIES once it holds twice that: one move of the array per TAIL_ENTRIES appends.
      if (tail.entries.length >= 2 * TAIL_ENTRIES) {
        const dropped = tail.entries.length - TAIL_ENTRIES;
        tail.entries.splice(0, dropped);
        tail.first += dropped;
      }
    } else this.tails.set(tailKey, { first: seq, entries: [kept] });
  }

  /**
   * Through the owner's in-process client, the PutItem without a Command around it (`DirectDynaliteClient.putItem`):
   * a Command builds a middleware stack, which that client never runs.
   */
  protected override putEntry(input: PutItemCommandInput): Promise<unknown> {
    return this.client instanceof DirectDynaliteClient ? this.client.putItem(input) : super.putEntry(input);
  }

  /** Lost to another writer, or maybe landed unseen: the tail may no longer end at the head. */
  protected override writeUnsure(ledger: string): void {
    this.tails.delete(this.ledgerKey(ledger));
  }
}
