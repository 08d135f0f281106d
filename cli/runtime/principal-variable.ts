/**
 * The environment variable that names who the CLI acts as when `--as` is not given. On its own so that the
 * command line's definition (`cli/main.ts`, loaded for `--help`) does not load the principals and zod.
 */
export const principalVariable = 'ITV_PRINCIPAL';
