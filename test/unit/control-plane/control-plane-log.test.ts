import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepLogSmall } from '../../../cli/control-plane/client.js';

describe("the control plane's log", () => {
  const dir = mkdtempSync(join(tmpdir(), 'itv-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('past 5 MB it moves to .1 when the next control plane starts; a small one stays', () => {
    const big = join(dir, 'big.log');
    writeFileSync(big, 'x'.repeat(5 * 1024 * 1024 + 1));
    keepLogSmall(big);
    expect(existsSync(big)).toBe(false);
    expect(readFileSync(`${big}.1`, 'utf8')).toHaveLength(5 * 1024 * 1024 + 1);

    const small = join(dir, 'small.log');
    writeFileSync(small, 'started\n');
    keepLogSmall(small);
    expect(readFileSync(small, 'utf8')).toBe('started\n');
    expect(() => keepLogSmall(join(dir, 'absent.log'))).not.toThrow();
  });
});
