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
 * Throws `ConfigurationError` for a folder any user may write to (mode o+w, `/tmp` itself included): another
 * user could put a signing key, a token digest or a ledger of theirs there before itv makes its own, or swap one
 * itv made. itv does not change the mode of a folder it did not make; the message says how.
 */
export function refuseWritableByAll(folder: string): void {
  if (process.platform === 'win32') return;
  const { mode } = statSync(folder);
  if ((mode & 0o002) === 0) return;
  throw new ConfigurationError(
    `${folder} is a folder any user on this machine may write to (mode ${(mode & 0o7777).toString(8).padStart(4, '0')}): itv keeps its signing key, tokens and ledger only in a folder of your own; run \`chmod go-w ${folder}\` (or \`chmod 700\`), or set ITV_HOME to a new folder for itv to make`,
  );
}
