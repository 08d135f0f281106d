import { stillHoldsHome } from './home-owner.js';

/** How often a control plane checks, between requests, that its home is still where it serves it. */
const homeCheckMs = 1000;

/** The exit code of a control plane that left because its home left its path. */
export const homeLostExitCode = 1;

export interface HomeWatch {
  /** Checks now (before a request is answered, or evidence written); exits the process if the home has left. */
  check(): void;
  /** Ends the checks, before the control plane gives its claim up itself. */
  stop(): void;
}

/**
 * Ends the control plane, as a crash would, once the home it claimed is no longer at its path: moved (`mv`),
 * removed, or replaced by another folder (a copy put back), which `stillHoldsHome` tells with one `stat`. Past
 * that point whatever it wrote through the path would re-create the old folder or write into a home it does not
 * own, while dynalite's open files went with the move: so it writes nothing more and exits, its LevelDB lock
 * going with it. Executions it ran resume where they were at the next start, wherever the home now is.
 */
export function watchHome(
  home: string,
  log: (line: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): HomeWatch {
  let watching = true;
  const check = () => {
    if (!watching || stillHoldsHome(home)) return;
    watching = false;
    clearInterval(timer);
    log(
      `${home} is no longer this control plane's home (moved, removed or replaced while it ran); ` +
        'exiting without writing anything more: its executions resume at the next start, at the home’s path',
    );
    exit(homeLostExitCode);
  };
  const timer = setInterval(check, homeCheckMs);
  timer.unref();
  return {
    check,
    stop() {
      watching = false;
      clearInterval(timer);
    },
  };
}
