import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clockStartOf,
  readClockAnchor,
  writeClockAnchor,
} from '../../../lambdas/adapters/local/clock-anchor.js';
import { ConfigurationError } from '../../../lambdas/core/errors.js';

const wall = new Date('2026-12-06T15:25:00.000Z');
const wednesday = new Date('2026-11-04T15:00:00.000Z');
const anchoredWednesday = { startedAt: wednesday.toISOString(), wallStartedAt: '2026-12-06T15:00:00.000Z' };

describe('where a home’s clock starts', () => {
  test('a home never anchored starts at now, never before its last entry', () => {
    expect(clockStartOf({ wall, asked: undefined, anchor: undefined, lastEntryAt: undefined })).toEqual({
      start: wall,
      anchor: undefined,
      changed: false,
    });
    expect(
      clockStartOf({ wall, asked: undefined, anchor: undefined, lastEntryAt: '2026-12-06T18:00:00.000Z' })
        .start,
    ).toEqual(new Date('2026-12-06T18:00:00.001Z'));
  });

  test('ITV_CLOCK_START anchors a home: later starts keep its distance from the wall, with or without it', () => {
    // Act: the first start asks for Wednesday 15:00; 25 minutes later, one start without the variable, one with it.
    const first = clockStartOf({
      wall: new Date(anchoredWednesday.wallStartedAt),
      asked: wednesday,
      anchor: undefined,
      lastEntryAt: undefined,
    });
    const without = clockStartOf({ wall, asked: undefined, anchor: first.anchor, lastEntryAt: undefined });
    const again = clockStartOf({ wall, asked: wednesday, anchor: first.anchor, lastEntryAt: undefined });

    // Assess
    expect(first).toEqual({ start: wednesday, anchor: anchoredWednesday, changed: true });
    expect(without).toEqual({
      start: new Date('2026-11-04T15:25:00.000Z'),
      anchor: anchoredWednesday,
      changed: false,
    });
    expect(again).toEqual(without);
  });

  test('another instant moves the anchor; the last entry still holds the clock from going back', () => {
    const friday = new Date('2026-11-06T09:00:00.000Z');
    expect(clockStartOf({ wall, asked: friday, anchor: anchoredWednesday, lastEntryAt: undefined })).toEqual({
      start: friday,
      anchor: { startedAt: friday.toISOString(), wallStartedAt: wall.toISOString() },
      changed: true,
    });
    expect(
      clockStartOf({
        wall,
        asked: undefined,
        anchor: anchoredWednesday,
        lastEntryAt: '2026-11-05T10:00:00.000Z',
      }).start,
    ).toEqual(new Date('2026-11-05T10:00:00.001Z'));
  });
});

describe('the anchor a home keeps', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-clock-anchor-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  test('is read back as written, from a file only its owner may read', () => {
    expect(readClockAnchor(home)).toBeUndefined();
    writeClockAnchor(home, anchoredWednesday);
    expect(readClockAnchor(home)).toEqual(anchoredWednesday);
    expect(statSync(join(home, 'clock.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(home, 'clock.json'), 'utf8'))).toEqual(anchoredWednesday);
  });

  test('a file that is not an anchor is refused, naming it and what to do', () => {
    for (const text of [
      'not json',
      '{}',
      '{"startedAt":"yesterday","wallStartedAt":"2026-12-06T15:00:00.000Z"}',
    ]) {
      writeFileSync(join(home, 'clock.json'), text);
      chmodSync(join(home, 'clock.json'), 0o600);
      expect(() => readClockAnchor(home)).toThrow(ConfigurationError);
      expect(() => readClockAnchor(home)).toThrow(/clock\.json is not a clock anchor.*remove it/);
    }
  });
});
