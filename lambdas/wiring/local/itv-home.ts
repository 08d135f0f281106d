import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidInputError } from '../../core/errors.js';

/**
 * The folder holding local state: `ITV_HOME`, else `.itv/` under the working folder. Its own module, so that
 * the commands that only talk to the control plane do not load the embedded stack to find it. A home that is a
 * file, or under one, is refused naming the variable: Node's `EEXIST: …, mkdir` named neither; so is an
 * ITV_HOME set but empty.
 */
export function itvHome(env: NodeJS.ProcessEnv = process.env): string {
  // An empty value (`ITV_HOME=$UNSET_VARIABLE`) would resolve to the working folder: a signing key and a ledger
  // dropped into whatever folder the command ran in, a repository's checkout as likely as any.
  if (env.ITV_HOME !== undefined && env.ITV_HOME.trim() === '') {
    throw new InvalidInputError('the home for local state cannot be used', [
      {
        path: 'ITV_HOME',
        message:
          'is set but empty: point it at a folder for the home (a signing key, the ledger and evidence go there), or unset it to use .itv under the working folder',
      },
    ]);
  }
  const home = resolve(env.ITV_HOME ?? '.itv');
  const why = notAFolder(home);
  if (why !== undefined) {
    const variable = env.ITV_HOME === undefined ? 'ITV_HOME (unset, so .itv)' : 'ITV_HOME';
    throw new InvalidInputError('the home for local state cannot be used', [
      { path: variable, message: `${home} ${why}` },
    ]);
  }
  return home;
}

/** Why `home` cannot be a folder, or undefined when it is one or can be made. */
function notAFolder(home: string): string | undefined {
  try {
    return statSync(home).isDirectory() ? undefined : 'is a file, not a folder';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'is under a file, not a folder' : undefined;
  }
}
