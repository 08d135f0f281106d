import { Worker } from 'node:worker_threads';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import { type EvidenceWrite, type EvidenceWritten, receivedFailure } from './evidence-writes.js';
import { FileEvidenceStore } from './file-evidence-store.js';
import { workerModule } from './worker-module.js';

/**
 * The home's evidence files (`FileEvidenceStore`), written on a thread of their own.
 *
 * Why: each object is a few files made, linked and unlinked (about eleven files an intent), with synchronous
 * calls whose kernel time a slow disk stretches to milliseconds, on the one thread every stage of every
 * execution runs on (`npm run bench`: 4–10 ms of that thread's 30 an intent). On the writing thread they run
 * beside the stages. What is written is the same, by the same code; a write is answered once its files are in
 * place, so a read after it (here, in this thread) finds them. Reads stay in this thread: they are few, and a
 * bundle's reads need the object just written, which the answered write guarantees.
 *
 * `beforeWrite` (the home-moved check) runs here before each write is handed over, as it runs before each write
 * of a `FileEvidenceStore`. The writing thread is started with the first write, holds no state beyond the files,
 * and keeps no process alive while nothing is being written.
 */
export class ThreadedEvidenceStore implements EvidenceStore {
  private readonly reader: FileEvidenceStore;
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve(uri: string): void; reject(error: unknown): void }>();
  private nextId = 1;
  /** The answers of the writes handed over and not yet answered: what `close` waits for. */
  private readonly answers = new Set<Promise<string>>();

  constructor(
    readonly root: string,
    private readonly beforeWrite: () => void = () => {},
  ) {
    this.reader = new FileEvidenceStore(root);
  }

  putObject(key: string, body: Uint8Array, contentType: string): Promise<string> {
    try {
      this.beforeWrite();
    } catch (error) {
      return Promise.reject(error);
    }
    const worker = this.writer();
    const id = this.nextId++;
    const answer = new Promise<string>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, key, body, contentType } satisfies EvidenceWrite);
    });
    this.answers.add(answer);
    const forget = () => this.answers.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  getObject(key: string): Promise<Uint8Array | undefined> {
    return this.reader.getObject(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.reader.list(prefix);
  }

  uriOf(key: string): string {
    return this.reader.uriOf(key);
  }

  /** Stops the writing thread once every write handed to it has been answered. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker === undefined) return;
    await Promise.allSettled([...this.answers]);
    await worker.terminate();
  }

  private writer(): Worker {
    if (this.worker) return this.worker;
    const module = workerModule(
      'evidence-writer',
      new URL('./evidence-writer.ts', import.meta.url),
      import.meta.url,
    );
    // Not this process's Node options (a `-e` script's, a loader's): the writer needs none of them.
    const worker = new Worker(module.url, {
      workerData: { ...module.workerData, root: this.root },
      execArgv: [],
    });
    worker.on('message', (answer: EvidenceWritten) => this.settle(answer));
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      const error = new Error(`the evidence files in ${this.root} could not be written: ${why}`);
      for (const call of this.waiting.values()) call.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (error) => lost(`the writing thread failed (${error.message})`));
    worker.on('exit', (code) => lost(`the writing thread exited (${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(answer: EvidenceWritten): void {
    const call = this.waiting.get(answer.id);
    if (call === undefined) return;
    this.waiting.delete(answer.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if ('failure' in answer) call.reject(receivedFailure(answer.failure));
    else call.resolve(answer.uri);
  }
}
