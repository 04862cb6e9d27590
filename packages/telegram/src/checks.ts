/**
 * Argument checks for the context's methods. Each names the method and the argument, and says
 * what kind of value it got (never the value: it may be long, or private), so a handler that
 * passes the wrong thing fails where it passed it.
 *
 * `method` is a context method (`sendPhoto`, reported as `context.sendPhoto()`) or, qualified,
 * another object's (`client.sendPhoto`, reported as `client.sendPhoto()`).
 */

/** How an error message names the method that was called. */
export function callee(method: string): string {
  return method.includes('.') ? `${method}()` : `context.${method}()`;
}

/** `a number`, `an array`, `an empty string`, ... for error messages. */
export function describe(value: unknown): string {
  if (value === '') return 'an empty string';
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** True for a plain object: not null, not an array, not a class instance (an InputFile, a Date). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function requireString(value: unknown, method: string, key: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${callee(method)} needs ${key} as a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** Message, user and chat ids: integers (chat ids may also be `@channelusername` strings). */
export function requireId(value: unknown, method: string, key: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${callee(method)} needs ${key} as an integer, got ${describe(value)}`);
  }
  return value;
}

export function requireChatId(value: unknown, method: string, key: string): number | string {
  if (typeof value === 'string' && value !== '') return value;
  return requireId(value, method, key);
}

/** A file to send: a file_id or URL string, or an `InputFile` to upload. */
export function requireFile(value: unknown, method: string, key: string): unknown {
  if ((typeof value === 'string' && value !== '') || (typeof value === 'object' && value !== null && !Array.isArray(value))) {
    return value;
  }
  throw new TypeError(`${callee(method)} needs ${key} as a file_id, an URL or an InputFile, got ${describe(value)}`);
}

export function requireObject(value: unknown, method: string, key: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${callee(method)} needs ${key} as an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

export function requireArray(value: unknown, method: string, key: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`${callee(method)} needs ${key} as a non-empty array, got ${describe(value)}`);
  }
  return value;
}

/** The options argument: undefined, null or a plain object. */
export function optionsOf(value: unknown, method: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new TypeError(`${callee(method)} needs its options as an object, got ${describe(value)}`);
  return value;
}

/** Telegram's limit for one text message, in UTF-16 code units (without a parse mode). */
export const MAX_TEXT_LENGTH = 4096;

/** A message text: non-empty, and within Telegram's limit unless a parse mode may shorten it. */
export function checkText(text: unknown, options: unknown, method: string): string {
  requireString(text, method, 'the text');
  const parseMode = options as { parse_mode?: unknown; parseMode?: unknown } | null | undefined;
  if ((text as string).length > MAX_TEXT_LENGTH && parseMode?.parse_mode === undefined && parseMode?.parseMode === undefined) {
    throw new RangeError(`${callee(method)} got a text of ${(text as string).length} characters; Telegram takes at most ${MAX_TEXT_LENGTH}`);
  }
  return text as string;
}

/** The `ok` of an answer to a shipping or pre-checkout query. */
export function checkOk(ok: unknown, method: string): boolean {
  if (typeof ok !== 'boolean') throw new TypeError(`${callee(method)} needs ok as true or false, got ${typeof ok}`);
  return ok;
}
