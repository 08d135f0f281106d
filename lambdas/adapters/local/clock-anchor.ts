import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';

/*
 * Where a home's virtual clock starts each time the home is opened. A home keeps the distance between its clock and
 * the wall that ITV_CLOCK_START gave it (its anchor, in `clock.json`): a home started as of a Wednesday afternoon
 * goes on from there on its later starts, with or without the variable, so a command run in a shell without it does
 * not move the clock weeks ahead — past the deadline of every review waiting in it. Naming another instant moves the
 * anchor. A home that was never given one runs as of now. Time never runs back: the clock never starts before the
 * ledger's last entry.
 */

/** The instant a home's clock was started at, and the wall's time then. */
export interface ClockAnchor {
  startedAt: string;
  wallStartedAt: string;
}

/** Where the clock starts, and the anchor the home keeps from now on (`changed` when it must be written). */
export interface ClockStart {
  start: Date;
  anchor: ClockAnchor | undefined;
  changed: boolean;
}

/**
 * The start of a home's clock at `wall`: the wall moved by the anchor's distance (none without one), never before
 * `lastEntryAt` + 1 ms. `asked` (ITV_CLOCK_START) anchors the home at that instant unless it is the anchor already.
 */
export function clockStartOf(options: {
  wall: Date;
  asked: Date | undefined;
  anchor: ClockAnchor | undefined;
  lastEntryAt: string | undefined;
}): ClockStart {
  const { wall, asked, lastEntryAt } = options;
  const changed = asked !== undefined && options.anchor?.startedAt !== asked.toISOString();
  const anchor = changed
    ? { startedAt: asked.toISOString(), wallStartedAt: wall.toISOString() }
    : options.anchor;
  const distance = anchor === undefined ? 0 : Date.parse(anchor.startedAt) - Date.parse(anchor.wallStartedAt);
  const earliest = lastEntryAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(lastEntryAt) + 1;
  return { start: new Date(Math.max(wall.getTime() + distance, earliest)), anchor, changed };
}

const anchorFile = (home: string) => join(home, 'clock.json');

const isInstant = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;

/** The home's anchor, undefined when it has none; ConfigurationError naming the file when it is not one. */
export function readClockAnchor(home: string): ClockAnchor | undefined {
  const path = anchorFile(home);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    parsed = undefined;
  }
  const { startedAt, wallStartedAt } = (parsed ?? {}) as Partial<ClockAnchor>;
  if (!isInstant(startedAt) || !isInstant(wallStartedAt)) {
    throw new ConfigurationError(
      `${path} is not a clock anchor ({"startedAt", "wallStartedAt"}, two ISO-8601 instants): remove it, and the home's clock starts at now, or at ITV_CLOCK_START`,
    );
  }
  return { startedAt, wallStartedAt };
}

/** Keeps `anchor` as the home's, replacing the file whole (mode 0600). */
export function writeClockAnchor(home: string, anchor: ClockAnchor): void {
  const path = anchorFile(home);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(anchor, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
