import { createHash } from 'node:crypto';
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { TransientError } from '../../core/errors.js';
import { assertAppendable, linkEntry } from '../../core/ledger/entry.js';
import type { LedgerEntryDraft, LedgerStore, StoredEntry } from '../../ports/ledger-store.js';
import { isConditionFailure, n, s } from './attribute-values.js';
import { DynamoLedgerReader, toStored } from './dynamodb-ledger-reader.js';
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
 * Sole writer: the local stack's subclass (`lambdas/adapters/local/sole-writer-ledger-store.ts`) appends keys of
 * the form `${intentId}/…` without the marker, where its process is the table's only writer.
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
}

const { partitionKey, sortKey } = LEDGER_TABLE;
function markerPartition(ledger: string, idempotencyKey: string): string {
  return `${ledger}#idem#${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex')}`;
}

export { toStored };

/** An append waiting for its turn, with the store it was asked of and how to answer it. */
interface QueuedAppend {
  store: DynamoLedgerStore;
  ledger: string;
  draft: LedgerEntryDraft;
  resolve(stored: StoredEntry): void;
  reject(error: unknown): void;
}

/**
 * A ledger's append queue in the process: whether an append is in flight, and the appends waiting, in the order they
 * were asked. `settled` (made once per queue, not per append) starts the next when the one in flight settles.
 */
interface AppendQueue {
  busy: boolean;
  waiting: QueuedAppend[];
  settled: () => void;
}

/**
 * Per-process append queues, keyed by table and ledger: one for each ledger the process has appended to (a process
 * appends to a few), kept while it runs, so that an append finding none in flight allocates no queue.
 */
const appendQueues = new Map<string, AppendQueue>();

export class DynamoLedgerStore extends DynamoLedgerReader implements LedgerStore {
  protected readonly lastWritten = new Map<string, StoredEntry>();
  private readonly ledgerKeys = new Map<string, string>();
  protected readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(client: DynamoDBClient, tableName: string, options: DynamoLedgerStoreOptions = {}) {
    super(client, tableName);
    this.maxAttempts = options.maxAttempts ?? 50;
    this.baseDelayMs = options.baseDelayMs ?? 20;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /**
   * `${table}/${ledger}`, which names a ledger's append queue in the process: made once per ledger, as a key made
   * afresh is hashed afresh at every lookup.
   */
  protected ledgerKey(ledger: string): string {
    let key = this.ledgerKeys.get(ledger);
    if (key === undefined) {
      key = `${this.tableName}/${ledger}`;
      this.ledgerKeys.set(ledger, key);
    }
    return key;
  }

  /**
   * Appends in one process go one at a time per ledger: racing our own requests for the head would only
   * burn conditional puts and backoff. Other processes and Lambda containers still race through the
   * conditional writes below, which alone keep the chain free of forks and gaps.
   */
  append(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    const key = this.ledgerKey(ledger);
    let queue = appendQueues.get(key);
    if (queue === undefined) {
      const made: AppendQueue = { busy: false, waiting: [], settled: () => DynamoLedgerStore.drain(made) };
      appendQueues.set(key, made);
      queue = made;
    }
    if (queue.busy) {
      const { waiting } = queue;
      return new Promise((resolve, reject) => {
        waiting.push({ store: this, ledger, draft, resolve, reject });
      });
    }
    // None in flight: this one starts now, and is answered with its own promise; those asked for while it runs wait.
    queue.busy = true;
    const appended = this.inTurn(ledger, draft);
    appended.then(queue.settled, queue.settled);
    return appended;
  }

  /**
   * Starts the next append of a queue once the one before it has settled (each settling starts the next, as soon as
   * its predecessor is answered), and marks the queue idle when none is left.
   */
  private static drain(queue: AppendQueue): void {
    const job = queue.waiting.shift();
    if (job === undefined) {
      queue.busy = false;
      return;
    }
    job.store.inTurn(job.ledger, job.draft).then(
      (stored) => {
        job.resolve(stored);
        DynamoLedgerStore.drain(queue);
      },
      (error: unknown) => {
        job.reject(error);
        DynamoLedgerStore.drain(queue);
      },
    );
  }

  /** `appendInOrder`, a refusal it throws before its first await answered as a rejection. */
  private inTurn(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    try {
      return this.appendInOrder(ledger, draft);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One append, its turn in this process's queue for the ledger come: the marker path above. */
  protected async appendInOrder(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry> {
    assertAppendable(ledger, draft); // refuses a bad ledger name or draft before any I/O
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

  /** Writes the entry after `head`; undefined when another writer took that seq first. */
  // Not async: the write's own promise, continued once (an async function would settle a promise of its own after
  // it, one more turn for every append). An entry that cannot be written is refused as a rejection all the same.
  protected tryWrite(
    ledger: string,
    draft: LedgerEntryDraft,
    head: StoredEntry | undefined,
  ): Promise<StoredEntry | undefined> {
    let linked: ReturnType<typeof linkEntry>;
    try {
      linked = linkEntry(ledger, draft, head);
    } catch (error) {
      return Promise.reject(error);
    }
    const { stored, text } = linked;
    return this.putEntry({
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
    }).then(
      () => {
        this.lastWritten.set(ledger, stored);
        this.written(ledger, text, stored);
        return stored;
      },
      (error: unknown) => {
        this.writeUnsure(ledger);
        if (isConditionFailure(error)) {
          this.lastWritten.delete(ledger);
          return undefined;
        }
        throw transientOr(error, `DynamoDB PutItem ${this.tableName} ${ledger}#${stored.entry.seq}`);
      },
    );
  }

  /** Sends an entry's conditional PutItem. */
  protected putEntry(input: PutItemCommandInput): Promise<unknown> {
    return this.client.send(new PutItemCommand(input));
  }

  /** After an entry `text` was written: what a subclass keeps of it (nothing here). */
  protected written(_ledger: string, _text: string, _stored: StoredEntry): void {}

  /** After a write lost to another writer or failed in flight (it may have landed unseen). */
  protected writeUnsure(_ledger: string): void {}

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

  protected backoff(attempt: number): Promise<void> {
    // Full jitter: spreads writers that lost the same race so the next round has one winner, not a crowd.
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(attempt, 16));
    return this.sleep(Math.floor(this.random() * cap));
  }
}
