/**
 * Checks every platform connector makes of its `channels.<platform>` options, with one wording:
 * the same mistake (an unset environment variable, a pasted secret with a newline, an API origin
 * with a path) reads the same on every platform. Messages never echo a secret.
 */
import { describeValue } from '../errors';

/** What an option's value was, for an error message; `undefined` says where it usually comes from. */
export function describeOption(value: unknown): string {
  return value === undefined ? 'undefined (is the environment variable set?)' : describeValue(value);
}

/**
 * A secret or token option (`name`, e.g. `channels.line.channelSecret`): a non-empty string
 * without surrounding whitespace. `what` says where to find it, for the message.
 */
export function requireSecretOption(value: unknown, name: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`${name} must be a non-empty string (${what}), got ${describeOption(value)}`);
  }
  if (value !== value.trim()) {
    // A pasted secret with a trailing newline fails every signature check with no clue why.
    throw new TypeError(`${name} has leading or trailing whitespace; remove it`);
  }
  return value;
}

/**
 * The origin of a platform's API (`https://api.line.me`), `fallback` when unset. Tests and proxies
 * point it elsewhere; a path, query or credentials would be silently dropped or leak, so they are
 * refused.
 */
export function apiOriginOption(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  const problem = `${name} must be an http(s) origin such as ${fallback} (no path, query or credentials)`;
  if (typeof value !== 'string') throw new TypeError(`${problem}, got ${describeOption(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${problem}, got a string that is not a URL`);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    // Only scheme, host and path are echoed: credentials or a query could hold secrets.
    throw new TypeError(`${problem}, got ${JSON.stringify(`${url.protocol}//${url.host}${url.pathname}`)}`);
  }
  return url.origin;
}

/** A true/false option, `fallback` when unset. */
export function booleanOption<D extends boolean | undefined>(value: unknown, name: string, fallback: D): boolean | D {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be true or false, got ${describeOption(value)}`);
  return value;
}
