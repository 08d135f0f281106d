import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { deepFreeze } from '../../core/deep-freeze.js';
import { LedgerIntegrityError, TransientError } from '../../core/errors.js';
import { assertAppendable, linkEntry } from '../../core/ledger/entry.js';
import { sealedEntry } from '../../core/ledger/hash.js';
import type { LedgerEntry, LedgerEntryDraft, LedgerStore, StoredEntry } from '../../ports/ledger-store.js';
import { isConditionFailure, n, s } from './attribute-values.js';
import { LEDGER_TABLE } from './tables.js';
import { transientOr } from './transient-errors.js';

/*
 * The ledger on DynamoDB (dynalite locally) with single-item conditional writes only: dynalite has no
 * transactions, and one code path must serve both.
 *
 * Items. An entry is the item (ledger, seq) holding `entry` (the RFC 8785 text, exactly as hashed),
 * `hash`, and `intentId` for the byIntent GSI. Beside each ledger
 * partition, every idempotency key K gets a marker item in the partition `${ledger}#idem#${sha256(K)}`
 * (seq 0; ledger names cannot hold `#`) whose `target` is the one seq at which K's entry may be written.
 *
 * Append. Read the head (strongly consistent Query, newest first, Limit 1), then write the entry at
 * head+1 with ONE PutItem conditioned on `attribute_not_exists(seq)`; a lost race re-reads and retries
 * with full-jitter backoff, at most `maxAttempts` times, then throws TransientError. Before the entry,
 * the marker is claimed with a conditional put (target = head+1); a writer that finds the marker reads
 * the entry at `target` (GetItem, strongly consistent): K's entry → return it; empty slot at head+1 →
 * write there; another key's entry → move the marker to the new head+1 with an UpdateItem conditioned
 * on the old target, then write there.
 *
 * Guarantees.
 * - No fork: at most one item per (ledger, seq), by the condition on the primary key.
 * - No gap: an entry is written at seq n only after a strongly consistent read saw n-1 as the head, and
 *   entries are never deleted; prevHash is the stored hash of n-1, which is immutable.
 * - Exactly once per (ledger, idempotency key), for sequential retries AND for concurrent duplicates:
 *   K's entry can only be written at the marker's current target, and the marker leaves a target only
 *   after a consistent read saw another key's (immutable) entry there, so a second K entry can never be
 *   written. Every read on this path is strongly consistent: no eventually consistent index is
 *   trusted for it. A crash between marker and entry heals on the next call.
 * - `forIntent` reads the byIntent GSI: on AWS it can lag the latest append by a moment.
 *
 * Sole writer (`soleWriter`, the local stack only). When one process is the table's only writer, the marker
 * is redundant for keys of the form `${intentId}/…` (every key the pipeline makes): this process's per-ledger
 * queue already orders all appends, so "is K written?" can be answered from the intent's entries, read once
 * per intent from the byIntent index and then kept current by every write through this client. dynalite
 * updates its indexes before it answers a write, so that read sees every entry written before it, including
 * those of a process that died (crash recovery). An append is then one PutItem, and one Query per intent. A
 * write that fails in flight, or a lost race for the head (which only another writer can cause), drops what
 * is known of the intent and reads it again. Keys of another form take the marker path above. The premise
 * is kept by the local stack: one process owns a home (its lock) and dynalite's LevelDB folder refuses a
 * second opener; no other process writes through its endpoint. It does NOT hold on AWS (concurrent Lambda
 * invocations, eventually consistent GSI), which never sets it.
 * What a sole writer knows it also answers from: `forIntent` of an intent it has appended to, and `read`
 * of a range inside the newest entries it wrote in a row (up to 1,024 per ledger; the tail is dropped on any
 * failed or lost write, when it might no longer end at the head). The checkpoint and evidence stages ask for
 * exactly these. Entries kept in memory are frozen: callers share them.
 * Throttling and network failures surface as TransientError with the SDK error as `cause`.
 */

export interface DynamoLedgerStoreOptions {
  /** Conditional-write rounds before giving up with TransientError (default 50). */
  maxAttempts?: number;
  /**
   * Full-jitter backoff base and cap in ms after a lost race (defaults 20 and 1000: on dynalite with 16
   * writers, a 200 ms cap made a herd that took about four times as long).
   */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * This process is the table's only writer (the local stack's own dynalite, whose home one process owns):
   * appends keyed `${intentId}/…` then skip the marker item, see "Sole writer" above.
   */
  soleWriter?: boolean;
}

/**
 * Intents whose entries a sole writer keeps in memory, the most recently appended to; the oldest is dropped past
 * this, and read again (one query) if it appends once more. Twice the executions the control plane runs at once
 * by default (ITV_MAX_IN_FLIGHT, 8): a concluded intent's entries, payloads and all, need not outlive it.
 */
const REMEMBERED_INTENTS = 16;
/**
 * The newest entries of each ledger a sole writer keeps in memory, for the reads checkpoints make (from the last
 * signed checkpoint to the head: a few intents' entries); an older range is read from the table.
 */
const TAIL_ENTRIES = 256;

const { partitionKey, sortKey, indexes } = LEDGER_TABLE;
function markerPartition(ledger: string, idempotencyKey: string): string {
  return `${ledger}#idem#${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex')}`;
}

function toStored(item: Record<string, AttributeValue>): StoredEntry {
  const seq = Number(item[sortKey.name]?.N);
  const text = item.entry?.S;
  const hash = item.hash?.S;
  if (text === undefined || hash === undefined) {
    throw new LedgerIntegrityError(`ledger item seq ${seq} lacks its entry or hash attribute`, seq);
  }
  try {
    return { entry: JSON.parse(text) as LedgerEntry, hash };
  } catch {
    throw new LedgerIntegrityError(`ledger item seq ${seq} holds an entry that is not JSON`, seq);
  }
}

/** Per-process append queues, keyed by table and ledger. */
const appendQueues = new Map<string, Promise<StoredEntry>>();

/**
 * A sole writer's record of each intent's entries, by client, then `${table}/${ledger}/${intentId}`, then
 * idempotency key: shared by every store on one client, as the append queues are.
 */
const writtenByClient = new WeakMap<DynamoDBClient, Map<string, Map<string, StoredEntry>>>();
/** A sole writer's newest entries of each ledger, contiguous up to its head, by client then `${table}/${ledger}`. */
const tailsByClient = new WeakMap<DynamoDBClient, Map<string, StoredEntry[]>>();

export class DynamoLedgerStore implements LedgerStore {
  private readonly lastWritten = new Map<string, StoredEntry>();
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly soleWriter: boolean;
  private readonly written: Map<string, Map<string, StoredEntry>>;
  private readonly tails: Map<string, StoredEntry[]>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoLedgerStoreOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 50;
    this.baseDelayMs = options.baseDelayMs ?? 20;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.soleWriter = options.soleWriter ?? false;
    let written = writtenByClient.get(client);
    if (written === undefined) {
      written = new Map();
      writtenByClient.set(client, written);
    }
    this.written = written;
    let tails = tailsByClient.get(client);
    if (tails === undefined) {
      tails = new Map();
      tailsByClient.set(client, tails);
    }
    this.tails = tails;
  }

  /**
   * Appends in one process go one at a time per ledger: racing our own requests for the head would only
   * burn conditional puts and backoff. Other processes and Lambda containers still race through the
   * conditional writes below, which alone keep the chain free of forks and gaps.
   */
  async append(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    const key = `${this.tableName}/${ledger}`;
    const previous = appendQueues.get(key) ?? Promise.resolve();
    const run = previous.then(
      () => this.appendInOrder(ledger, draft),
      () => this.appendInOrder(ledger, draft),
    );
    appendQueues.set(key, run);
    try {
      return await run;
    } finally {
      if (appendQueues.get(key) === run) appendQueues.delete(key);
    }
  }

  private async appendInOrder(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    assertAppendable(ledger, draft); // refuses a bad ledger name or draft before any I/O
    if (this.soleWriter && draft.idempotencyKey.startsWith(`${draft.intentId}/`)) {
      return this.appendAsSoleWriter(ledger, draft);
    }
    const marker = markerPartition(ledger, draft.idempotencyKey);
    let target: number | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      if (target === undefined) {
        // The head this process wrote last is usually still the head; when another writer moved it, the
        // conditional put fails and the recovery path below reads the real one.
        const head =
          attempt === 1
            ? (this.lastWritten.get(ledger) ?? (await this.head(ledger)))
            : await this.head(ledger);
        const next = head === undefined ? 0 : head.entry.seq + 1;
        if (await this.claimMarker(marker, draft.idempotencyKey, next)) {
          const written = await this.tryWrite(ledger, draft, head);
          if (written !== undefined) return written;
          target = next;
        } else {
          target = await this.readMarker(marker);
          if (target === undefined) continue;
        }
      } else {
        const [atTarget, head] = await Promise.all([this.entryAt(ledger, target), this.head(ledger)]);
        if (atTarget?.entry.idempotencyKey === draft.idempotencyKey) return atTarget;
        const next = head === undefined ? 0 : head.entry.seq + 1;
        if (atTarget === undefined && next === target) {
          const written = await this.tryWrite(ledger, draft, head);
          if (written !== undefined) return written;
        } else if (await this.moveMarker(marker, target, next)) {
          target = next;
          const written = await this.tryWrite(ledger, draft, head);
          if (written !== undefined) return written;
        } else {
          // A concurrent duplicate moved the marker first: follow it without waiting.
          target = await this.readMarker(marker);
          continue;
        }
      }
      await this.backoff(attempt);
    }
    throw new TransientError(
      `ledger ${ledger}: append of ${draft.idempotencyKey} lost ${this.maxAttempts} races for the head; retry later`,
    );
  }

  /**
   * Exactly once without a marker: inside this process's queue for the ledger, the intent's entries are known
   * (read once per intent from the byIntent index, which dynalite updates before it answers a write, then
   * kept as they are written), so a key already written is returned, and any other is written at the head.
   * A lost race means the premise failed (another writer): the intent's entries are read again before each
   * further round, and after `maxAttempts` rounds TransientError.
   */
  private async appendAsSoleWriter(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    const intentKey = `${this.tableName}/${ledger}/${draft.intentId}`;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      let keys = attempt === 1 ? this.written.get(intentKey) : undefined;
      if (keys === undefined) keys = await this.loadIntent(ledger, draft.intentId);
      else {
        // The most recently appended to is kept longest.
        this.written.delete(intentKey);
        this.written.set(intentKey, keys);
      }
      const existing = keys.get(draft.idempotencyKey);
      if (existing !== undefined) return existing;
      const head =
        attempt === 1 ? (this.lastWritten.get(ledger) ?? (await this.head(ledger))) : await this.head(ledger);
      let written: StoredEntry | undefined;
      try {
        written = await this.tryWrite(ledger, draft, head);
      } catch (error) {
        // The write may have landed: the next call reads the intent's entries again.
        this.written.delete(intentKey);
        throw error;
      }
      if (written !== undefined) return written;
      this.written.delete(intentKey);
      await this.backoff(attempt);
    }
    throw new TransientError(
      `ledger ${ledger}: append of ${draft.idempotencyKey} lost ${this.maxAttempts} races for the head; retry later`,
    );
  }

  /**
   * Reads the intent's entries from the index and keeps them, as a sole writer knows them from then on. Called
   * only inside the ledger's append queue, so no write of the intent can overtake the read.
   */
  private async loadIntent(ledger: string, intentId: string): Promise<Map<string, StoredEntry>> {
    const entries = (await this.queryIntent(ledger, intentId)).map(deepFreeze);
    const keys = new Map(entries.map((stored) => [stored.entry.idempotencyKey, stored]));
    const intentKey = `${this.tableName}/${ledger}/${intentId}`;
    this.written.delete(intentKey);
    this.written.set(intentKey, keys);
    if (this.written.size > REMEMBERED_INTENTS) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
    return keys;
  }

  async read(ledger: string, fromSeq = 0, toSeq?: number): Promise<StoredEntry[]> {
    if (toSeq !== undefined && toSeq <= fromSeq) return [];
    const tail = this.soleWriter ? this.tails.get(`${this.tableName}/${ledger}`) : undefined;
    const first = tail?.[0]?.entry.seq;
    if (tail !== undefined && first !== undefined && fromSeq >= first) {
      // A sole writer's tail ends at the head: every append through this client extends it.
      const end = Math.min(toSeq ?? Number.POSITIVE_INFINITY, first + tail.length);
      return tail.slice(fromSeq - first, Math.max(end - first, fromSeq - first));
    }
    const range = toSeq === undefined ? '#s >= :from' : '#s BETWEEN :from AND :last';
    const values: Record<string, AttributeValue> = { ':l': s(ledger), ':from': n(fromSeq) };
    if (toSeq !== undefined) values[':last'] = n(toSeq - 1);
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: `#l = :l AND ${range}`,
      ExpressionAttributeNames: { '#l': partitionKey.name, '#s': sortKey.name },
      ExpressionAttributeValues: values,
      ConsistentRead: true,
    });
    return items.map(toStored);
  }

  async head(ledger: string): Promise<StoredEntry | undefined> {
    const page = await this.send('Query', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#l = :l',
          ExpressionAttributeNames: { '#l': partitionKey.name },
          ExpressionAttributeValues: { ':l': s(ledger) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const item = page.Items?.[0];
    return item === undefined ? undefined : toStored(item);
  }

  async forIntent(ledger: string, intentId: string): Promise<StoredEntry[]> {
    // A sole writer knows every entry of an intent it has appended to: the pipeline asks again at each stage.
    // What it learns here it does not keep: only an append, in the ledger's queue, may set what is known, or a
    // read overtaken by a write could hide that write from the next append.
    const known = this.soleWriter ? this.written.get(`${this.tableName}/${ledger}/${intentId}`) : undefined;
    if (known === undefined) return this.queryIntent(ledger, intentId);
    return [...known.values()].sort((a, b) => a.entry.seq - b.entry.seq);
  }

  private async queryIntent(ledger: string, intentId: string): Promise<StoredEntry[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: indexes.byIntent.name,
      KeyConditionExpression: '#i = :i',
      FilterExpression: '#l = :l',
      ExpressionAttributeNames: { '#i': indexes.byIntent.partitionKey.name, '#l': partitionKey.name },
      ExpressionAttributeValues: { ':i': s(intentId), ':l': s(ledger) },
    });
    return items.map(toStored);
  }

  private async entryAt(ledger: string, seq: number): Promise<StoredEntry | undefined> {
    const { Item } = await this.send('GetItem', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [partitionKey.name]: s(ledger), [sortKey.name]: n(seq) },
          ConsistentRead: true,
        }),
      ),
    );
    return Item === undefined ? undefined : toStored(Item);
  }

  /** Writes the entry after `head`; undefined when another writer took that seq first. */
  private async tryWrite(
    ledger: string,
    draft: LedgerEntryDraft,
    head: StoredEntry | undefined,
  ): Promise<StoredEntry | undefined> {
    const { stored, text } = linkEntry(ledger, draft, head);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [partitionKey.name]: s(ledger),
            [sortKey.name]: n(stored.entry.seq),
            entry: s(text),
            hash: s(stored.hash),
            intentId: s(stored.entry.intentId),
          },
          ConditionExpression: 'attribute_not_exists(#s)',
          ExpressionAttributeNames: { '#s': sortKey.name },
        }),
      );
      this.lastWritten.set(ledger, stored);
      // Every write through this client keeps a known intent's entries exact, whichever path made it.
      if (this.soleWriter) this.keep(ledger, sealedEntry(text, stored.hash));
      return stored;
    } catch (error) {
      // Lost to another writer, or maybe landed unseen: the tail may no longer end at the head.
      this.tails.delete(`${this.tableName}/${ledger}`);
      if (isConditionFailure(error)) {
        this.lastWritten.delete(ledger);
        return undefined;
      }
      throw transientOr(error, `DynamoDB PutItem ${this.tableName} ${ledger}#${stored.entry.seq}`);
    }
  }

  /** What this client knows of an entry it wrote: its intent's entries (when known) and the ledger's tail. */
  private keep(ledger: string, stored: StoredEntry): void {
    this.written
      .get(`${this.tableName}/${ledger}/${stored.entry.intentId}`)
      ?.set(stored.entry.idempotencyKey, stored);
    const tailKey = `${this.tableName}/${ledger}`;
    const tail = this.tails.get(tailKey);
    if (tail !== undefined && tail.at(-1)?.entry.seq === stored.entry.seq - 1) {
      tail.push(stored);
      if (tail.length > TAIL_ENTRIES) tail.splice(0, tail.length - TAIL_ENTRIES);
    } else this.tails.set(tailKey, [stored]);
  }

  private async claimMarker(marker: string, idempotencyKey: string, target: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [partitionKey.name]: s(marker),
            [sortKey.name]: n(0),
            target: n(target),
            idempotencyKey: s(idempotencyKey),
          },
          ConditionExpression: 'attribute_not_exists(#l)',
          ExpressionAttributeNames: { '#l': partitionKey.name },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw transientOr(error, `DynamoDB PutItem ${this.tableName} ${marker}`);
    }
  }

  private async readMarker(marker: string): Promise<number | undefined> {
    const { Item } = await this.send('GetItem', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [partitionKey.name]: s(marker), [sortKey.name]: n(0) },
          ConsistentRead: true,
        }),
      ),
    );
    return Item?.target?.N === undefined ? undefined : Number(Item.target.N);
  }

  private async moveMarker(marker: string, from: number, to: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [partitionKey.name]: s(marker), [sortKey.name]: n(0) },
          UpdateExpression: 'SET #t = :to',
          ConditionExpression: '#t = :from',
          ExpressionAttributeNames: { '#t': 'target' },
          ExpressionAttributeValues: { ':to': n(to), ':from': n(from) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw transientOr(error, `DynamoDB UpdateItem ${this.tableName} ${marker}`);
    }
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.send('Query', () =>
        this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw transientOr(error, `DynamoDB ${operation} ${this.tableName}`);
    }
  }

  private backoff(attempt: number): Promise<void> {
    // Full jitter: spreads writers that lost the same race so the next round has one winner, not a crowd.
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(attempt, 16));
    return this.sleep(Math.floor(this.random() * cap));
  }
}
