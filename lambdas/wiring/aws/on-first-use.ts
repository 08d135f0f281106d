import { ConfigurationError } from '../../core/errors.js';

/**
 * An adapter built on its first call, not at import: each function gets only the environment variables its
 * role implies, so a variable is read (and its absence reported) only where the adapter is used.
 */
export function onFirstUse<T extends object>(build: () => T): T {
  let value: T | undefined;
  return new Proxy({} as T, {
    get(_target, property) {
      value ??= build();
      const member = Reflect.get(value, property, value);
      return typeof member === 'function' ? member.bind(value) : member;
    },
  });
}

/**
 * Stands in for an adapter a function is composed without: any use fails with a `ConfigurationError` naming
 * the adapter, where a missing import would otherwise surface as an undefined method deep in a use case.
 */
export function absentAdapter<T extends object>(adapter: string, functionName: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      // Probes that are not calls (a promise check, inspection) must not throw.
      if (typeof property === 'symbol' || property === 'then') return undefined;
      throw new ConfigurationError(
        `the ${functionName} function has no ${adapter}: it is composed without one, so it cannot call ${adapter}.${property}`,
      );
    },
  });
}
