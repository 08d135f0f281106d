import { createRequire } from 'node:module';

/**
 * dynalite 4 reads every Query and Scan through a stream over an abstract-level iterator, and closes that
 * iterator, when the stream ends, by calling `iterator.return()` — which abstract-level 3 iterators do not
 * have (they have `close()`). So each Query left its LevelDB iterator open for the life of the process: a
 * native iterator pinning LevelDB's memory, and a JS cache of up to 1,000 items, per query. A control plane
 * that runs hundreds of intents makes tens of thousands of queries, and its memory grew with every one and
 * never came back. Giving the iterators the `return()` dynalite calls closes each one when its stream ends.
 *
 * The classes are the ones dynalite's own `level` loads (resolved from dynalite's folder, not this
 * package's), so the fix reaches exactly the iterators dynalite opens.
 */
export function closeDynaliteIteratorsOnEnd(): void {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  // LevelDB on disk (through `level`) for a home, memory-level for an in-memory stack.
  const backends = [
    createRequire(fromDynalite.resolve('level')).resolve('classic-level'),
    fromDynalite.resolve('memory-level'),
  ];
  for (const backend of backends) {
    const iterators = createRequire(backend)('abstract-level') as Record<string, unknown>;
    for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
      const prototype = (iterators[name] as { prototype: Closable } | undefined)?.prototype;
      if (prototype && typeof prototype.return !== 'function') {
        prototype.return = function (this: Closable) {
          return this.close();
        };
      }
    }
  }
}

interface Closable {
  close(): Promise<void>;
  return?: () => Promise<void>;
}
