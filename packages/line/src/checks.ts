/**
 * Argument checks for the context's methods. Each names the method and the argument, and says
 * what kind of value it got (never the value: it may be long, or private), so a handler that
 * passes the wrong thing fails where it passed it.
 */

import { describeValue } from 'bottender/connector';

/** `an empty string`, `an array`, `42`, ... for error messages: the wording every package shares. */
export const describe = (value: unknown): string => describeValue(value);

/** True for a plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireString(value: unknown, method: string, key: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`context.${method}() needs ${key} as a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** LINE fetches media itself and only over HTTPS. */
export function requireHttpsUrl(value: unknown, method: string, key: string): string {
  requireString(value, method, key);
  if (!(value as string).startsWith('https://')) {
    throw new TypeError(`context.${method}() needs ${key} as an https:// URL (LINE only fetches HTTPS)`);
  }
  return value as string;
}

export function requireNumber(value: unknown, method: string, key: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`context.${method}() needs ${key} as a finite number, got ${describe(value)}`);
  }
  return value;
}

export function requireObject(value: unknown, method: string, key: string): Record<string, unknown> {
  if (!isObject(value)) throw new TypeError(`context.${method}() needs ${key} as an object, got ${describe(value)}`);
  return value;
}

export function requireArray(value: unknown, method: string, key: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`context.${method}() needs ${key} as a non-empty array, got ${describe(value)}`);
  }
  return value;
}
