import { chmodSync, mkdirSync } from 'node:fs';

/*
 * A home holds every intent's content, the ledger, the signing key and the tokens' digests: what itv makes there is
 * its owner's alone. Node's default mode (0777 less the umask, 0755 mostly) would let any local user read it.
 */

/**
 * Makes `folder`, and any parent missing, mode 0700. A folder that exists is left as it is: one the user made
 * for the home keeps the mode they gave it.
 */
export function makePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
}

/**
 * Makes itv's own `folder` (a home's `evidence/`) mode 0700, also one an earlier itv made with the default mode.
 * Windows keeps no POSIX modes: there `chmod` only sets or clears read-only, which a folder does not use.
 */
export function keepPrivateFolder(folder: string): void {
  makePrivateFolder(folder);
  chmodSync(folder, 0o700);
}
