import { type Command, Help, type Option } from 'commander';

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

/** The options `command` takes from its ancestors, nearest first, leaving out those it declares itself. */
export function inheritedOptions(command: Command): Option[] {
  const taken = new Set(command.options.map((option) => option.long));
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

/** Help that lists a command's inherited options among its own, before `--help`. */
export const helpWithInheritedOptions = {
  visibleOptions(this: Help, command: Command): Option[] {
    const visible = Help.prototype.visibleOptions.call(this, command);
    const help = visible.findIndex((option) => option.long === '--help');
    const at = help === -1 ? visible.length : help;
    return [...visible.slice(0, at), ...inheritedOptions(command), ...visible.slice(at)];
  },
};
