/**
 * How every error message of Bottender and its packages says what it got. One wording, so a user
 * reads the same phrase for the same mistake whether the config, a context method or a driver
 * caught it. Strings are described, not echoed, unless the caller knows they are not secrets:
 * error messages end up in logs.
 */

/** Options of {@link describeValue}. */
export interface DescribeValueOptions {
  /**
   * Quote a string (shortened past 60 characters) instead of saying `a string`. Only for values
   * that cannot be secrets: drivers, paths, flags, enum-like options.
   */
  echo?: boolean;
}

/** `a` or `an`, by the first letter of `word`. */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/**
 * Describes `value` for an error message: `undefined`, `null`, `an empty string`, `a blank
 * string`, `a string` (or the quoted string with `echo`), numbers and booleans as they are,
 * `a function`, `an empty array`, `an array`, `an object`, `a Map instance`, `a symbol`.
 */
export function describeValue(value: unknown, options: DescribeValueOptions = {}): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      if (value === '') return 'an empty string';
      if (options.echo) return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
      return value.trim() === '' ? 'a blank string' : 'a string';
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  const name = constructorName(value as object);
  return name === undefined ? 'an object' : `${article(name)} ${name} instance`;
}

/** The class of an object, unless it is a plain object (of any realm) or has none. */
function constructorName(value: object): string | undefined {
  let name: unknown;
  try {
    name = Object.getPrototypeOf(value)?.constructor?.name;
  } catch {
    return undefined; // a hostile Proxy
  }
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : undefined;
}
