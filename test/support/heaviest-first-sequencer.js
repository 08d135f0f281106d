import Sequencer from '@jest/test-sequencer';

/**
 * The order Jest runs test files in, so that the longest start first and neither worker idles at the end.
 * Jest's own order uses each file's duration from its last run, and falls back to file size when it has none,
 * as on a fresh clone, where a short file that spawns processes can then start last and run alone. Without a
 * duration for every file, this order ranks a file by what its folder does, then by size.
 */
const folders = ['/test/cli/', '/test/e2e/', '/test/infra/', '/test/integration/', '/test/contract/'];

const rank = (path) => {
  const index = folders.findIndex((folder) => path.includes(folder));
  return index < 0 ? folders.length : index;
};

export default class HeaviestFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.every((test) => test.duration != null)) return sorted;
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    return [...sorted].sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      if (failed !== 0) return failed;
      return rank(a.path) - rank(b.path) || size(b) - size(a);
    });
  }
}
