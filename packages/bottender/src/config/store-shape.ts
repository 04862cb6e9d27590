import { isLegacySessionStore, LEGACY_STORE_METHODS } from '../stores/legacy-store';

/** The methods that make an object a session store of this version. */
export const STORE_METHODS = ['read', 'write', 'delete', 'list'] as const;

/** True for an object implementing this version's session store contract. */
export function isSessionStore(value: unknown): boolean {
  return hasMethods(value, STORE_METHODS);
}

/** True for a store instance `session.stores.<name>` may hold: this version's, or Bottender 1.x's (adapted). */
export function isStoreInstance(value: unknown): boolean {
  return isSessionStore(value) || isLegacySessionStore(value);
}

/**
 * What a store instance in `session.stores.<name>` must be, for a one-line config error. When the
 * value is an object, it also names the methods it lacks of the contract it comes closer to, so
 * a 1.x store with a typo is told about 1.x's methods rather than this version's.
 */
export function storeInstanceExpected(value: unknown): string {
  const expected =
    `must be a session store instance with ${STORE_METHODS.join(', ')} methods, ` +
    `or a Bottender 1.x store with ${LEGACY_STORE_METHODS.join(', ')}`;
  if (typeof value !== 'object' || value === null) return expected;
  const missing = (names: readonly string[]) =>
    names.filter((name) => typeof (value as Record<string, unknown>)[name] !== 'function');
  const ours = missing(STORE_METHODS);
  const legacy = missing(LEGACY_STORE_METHODS);
  return legacy.length < ours.length
    ? `${expected} (missing ${legacy.join(', ')} of 1.x's)`
    : `${expected} (missing ${ours.join(', ')})`;
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  );
}
