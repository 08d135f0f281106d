import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { ConfigurationError } from '../../core/errors.js';

/*
 * A home holds every intent's content, the ledger, the signing key and the tokens' digests: what itv makes there is
 * its owner's alone. Node's default mode (0777 less the umask, 0755 mostly) would let any local user read it.
 */

/**
 * Makes `folder`, and any parent missing, mode 0700. A folder that exists is left as it is: one the user made
 * for the home keeps the mode they gave it, unless any user may write to it (`refuseWritableByAll`).
 */
export function makePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  refuseWritableByAll(folder);
}

/**
 * Makes itv's own `folder` (a home's `evidence/`) mode 0700, also one an earlier itv made with the default mode.
 * Windows keeps no POSIX modes: there `chmod` only sets or clears read-only, which a folder does not use.
 */
export function keepPrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
}

/**
 * Who besides its owner may write to a folder of `mode` whose group is `gid`, for a user whose own group is
 * `ownGid`: any user (o+w), or the members of a group other than the user's own (g+w). A folder writable by the
 * user's own group is theirs: where each user has a group of their own (umask 002), their folders are 0775.
 */
export function otherWriters(mode: number, gid: number, ownGid: number | undefined): string | undefined {
  if ((mode & 0o002) !== 0) return 'any user on this machine may write to';
  if ((mode & 0o020) !== 0 && ownGid !== undefined && gid !== ownGid) {
    return `the members of group ${gid}, not your own (${ownGid}), may write to`;
  }
  return undefined;
}

/**
 * Throws `ConfigurationError` for a folder others may write to (`otherWriters`: o+w, `/tmp` itself included, or
 * g+w for another group than the user's own): they could put a signing key, a token digest or a ledger of theirs
 * there before itv makes its own, or swap one itv made. itv does not change the mode of a folder it did not make;
 * the message says how.
 */
export function refuseWritableByAll(folder: string): void {
  if (process.platform === 'win32') return;
  const { mode, gid } = statSync(folder);
  const others = otherWriters(mode, gid, process.getegid?.());
  if (others === undefined) return;
  throw new ConfigurationError(
    `${folder} is a folder ${others} (mode ${(mode & 0o7777).toString(8).padStart(4, '0')}): itv keeps its signing key, tokens and ledger only in a folder of your own; run \`chmod go-w ${folder}\` (or \`chmod 700\`), or set ITV_HOME to a new folder for itv to make`,
  );
}
