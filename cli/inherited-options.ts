import { type Command, Help, type Option } from 'commander';
import { InvalidInputError } from '../lambdas/core/errors.js';

/** The long flags of each command's options that its subcommands take too. */
const passedDown = new WeakMap<Command, readonly string[]>();

/**
 * Marks options of `command` (by long flag) as ones each of its subcommands takes: commander reads a parent's
 * options wherever they stand, after a subcommand's name too, so `itv delegate revoke ID --as alice` is
 * `itv delegate`'s `--as`. The subcommands' help and completion then list them.
 */
export function passDown(command: Command, flags: readonly string[]): Command {
  passedDown.set(command, flags);
  return command;
}

/** The passed-down flags a subcommand does not read, by subcommand. */
const declined = new WeakMap<Command, readonly string[]>();

/**
 * Marks flags its parent passes down that `command` does not read (`itv delegate list` takes no `--as` or
 * `--reason`): given to it, they are refused as any other option of the parent, and its help leaves them out.
 */
export function declineInherited(command: Command, flags: readonly string[]): Command {
  declined.set(command, flags);
  return command;
}

/** The options `command` takes from its ancestors, nearest first, leaving out those it declares itself. */
export function inheritedOptions(command: Command): Option[] {
  const taken = new Set([...command.options.map((option) => option.long), ...(declined.get(command) ?? [])]);
  const inherited: Option[] = [];
  for (let ancestor = command.parent; ancestor; ancestor = ancestor.parent) {
    const flags = passedDown.get(ancestor) ?? [];
    for (const option of ancestor.options) {
      if (option.hidden || !option.long || !flags.includes(option.long) || taken.has(option.long)) continue;
      taken.add(option.long);
      inherited.push(option);
    }
  }
  return inherited;
}

/**
 * Refuses options of an ancestor that were given on the command line but that `command` does not take: commander
 * parses a parent's options wherever they stand, so `itv delegate revoke ID --to bob` set `itv delegate`'s `--to`
 * and the revoke, which never reads it, ran as though it had not been given. Throws `InvalidInputError` naming
 * each such flag and whose option it is.
 */
export function refuseStrayOptions(command: Command): void {
  const words = commandWords(command);
  const issues: Array<{ path: string; message: string }> = [];
  for (let ancestor = command.parent; ancestor; ancestor = ancestor.parent) {
    const taken = passedDown.get(ancestor) ?? [];
    for (const option of ancestor.options) {
      if (ancestor.getOptionValueSource(option.attributeName()) !== 'cli') continue;
      if (option.long && taken.includes(option.long) && !declined.get(command)?.includes(option.long))
        continue;
      issues.push({
        path: option.long ?? option.flags,
        message: `is an option of ${commandWords(ancestor)}, which ${words} does not read`,
      });
    }
  }
  if (issues.length > 0) {
    const flags = issues.map((issue) => issue.path).join(', ');
    throw new InvalidInputError(
      `${flags} ${issues.length > 1 ? 'are not options' : 'is not an option'} of ${words}`,
      issues,
    );
  }
}

/** `itv delegate revoke`: a command's words from the root. */
export function commandWords(command: Command): string {
  const words: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) words.unshift(at.name());
  return words.join(' ');
}

/** Help that lists a command's inherited options among its own, before `--help`. */
export const helpWithInheritedOptions = {
  visibleOptions(this: Help, command: Command): Option[] {
    const visible = Help.prototype.visibleOptions.call(this, command);
    const help = visible.findIndex((option) => option.long === '--help');
    const at = help === -1 ? visible.length : help;
    return [...visible.slice(0, at), ...inheritedOptions(command), ...visible.slice(at)];
  },
};
