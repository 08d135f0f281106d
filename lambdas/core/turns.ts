/**
 * Work that takes turns in this process, per owner (a store), in the order it arrives: each waits for the one
 * before it to settle, fulfilled or not. For a read-decide-write round that would otherwise race this process's
 * own rounds on the same store and lose; rounds in other processes still race through conditional writes.
 */
export class Turns {
  private readonly latest = new WeakMap<object, Promise<unknown>>();

  async run<T>(owner: object, work: () => Promise<T>): Promise<T> {
    const previous = this.latest.get(owner) ?? Promise.resolve();
    const mine = previous.then(work, work);
    const settled = mine.catch(() => undefined);
    this.latest.set(owner, settled);
    try {
      return await mine;
    } finally {
      if (this.latest.get(owner) === settled) this.latest.delete(owner);
    }
  }
}
