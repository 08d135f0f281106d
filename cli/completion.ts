import type { Command } from 'commander';
import { inheritedOptions } from './inherited-options.js';

/**
 * One command of the tree: its words from the root (`ledger verify`), and what may follow them: subcommands,
 * or the values its first argument allows (`completion bash|zsh`); and its long options.
 */
interface CommandNode {
  path: string;
  subcommands: string[];
  options: string[];
}

/** Every visible command of the program, the root (path "") first. */
export function commandTree(program: Command): CommandNode[] {
  const nodes: CommandNode[] = [];
  const visit = (command: Command, path: string) => {
    const visible = command.commands.filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden);
    nodes.push({
      path,
      subcommands:
        visible.length > 0
          ? visible.map((sub) => sub.name())
          : [...(command.registeredArguments[0]?.argChoices ?? [])],
      options: [
        ...[...command.options, ...inheritedOptions(command)]
          .filter((option) => !option.hidden && option.long)
          .map((option) => option.long!),
        '--help',
      ],
    });
    for (const sub of visible) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, '');
  return nodes;
}

/**
 * A completion script for `itv` in bash or zsh, generated from the command tree itself, so it never lags a
 * command or option: words that name a command path are followed down the tree; then a word starting with
 * `-` completes the options of the command reached, any other its subcommands, or file names where it has
 * none (intent files, bundle folders). The path walked is `itv_path`: in zsh, `path` is the array tied to PATH.
 */
export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const nodes = commandTree(program);
  const quote = (words: string[]) => words.join(' ');
  const cases = (indent: string, body: (node: CommandNode) => string) =>
    nodes.map((node) => `${indent}"${node.path}") ${body(node)} ;;`).join('\n');
  // Both shells walk the words typed so far to the deepest command path they name.
  const pathCases = nodes
    .filter((node) => node.path)
    .map((node) => `      "${node.path}") itv_path="$next" ;;`)
    .join('\n');
  if (shell === 'bash') {
    return `# itv completion for bash: eval "$(itv completion bash)", e.g. in ~/.bashrc
_itv() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" itv_path="" word next i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    next="\${itv_path:+$itv_path }$word"
    case "$next" in
${pathCases}
    esac
  done
  local options="" subcommands=""
  case "$itv_path" in
${cases('    ', (node) => `options="${quote(node.options)}"; subcommands="${quote(node.subcommands)}"`)}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ -n "$subcommands" ]]; then
    COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _itv itv
`;
  }
  return `#compdef itv
# itv completion for zsh: itv completion zsh > "\${fpath[1]}/_itv", or eval "$(itv completion zsh)" after compinit
_itv() {
  local itv_path="" word next
  for word in "\${(@)words[2,CURRENT-1]}"; do
    next="\${itv_path:+$itv_path }$word"
    case "$next" in
${pathCases}
    esac
  done
  local -a options subcommands
  case "$itv_path" in
${cases('    ', (node) => `options=(${quote(node.options)}); subcommands=(${quote(node.subcommands)})`)}
  esac
  if [[ "$PREFIX" == -* ]]; then
    compadd -- "\${options[@]}"
  elif (( \${#subcommands} > 0 )); then
    compadd -- "\${subcommands[@]}"
  else
    _files
  fi
}
compdef _itv itv
`;
}
