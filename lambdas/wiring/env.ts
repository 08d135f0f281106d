import { ConfigurationError } from '../core/errors.js';

/** Reads a required environment variable; a missing one fails at first use with its name, never a silent default. */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`environment variable ${name} is required but not set`);
  }
  return value;
}

/** Reads a required environment variable holding a JSON object of strings. */
export function requiredJsonMap(name: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const text = requiredEnv(name, env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`environment variable ${name} must be JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((value) => typeof value !== 'string')
  ) {
    throw new ConfigurationError(`environment variable ${name} must be a JSON object of strings`);
  }
  return parsed as Record<string, string>;
}
