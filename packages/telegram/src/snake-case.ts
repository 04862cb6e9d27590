import { isPlainObject } from './checks';

const UPPER = /[A-Z]/;

/**
 * Bottender 1.x took Bot API options in camelCase (`{ replyMarkup: { inlineKeyboard } }`) and its
 * client turned every key into Telegram's snake_case; the SDK here takes snake_case. This does
 * the same turn, so 1.x handlers run unchanged: keys of plain objects and of arrays of them, at
 * any depth. Values (texts, callback data) are never touched, nor are class instances such as
 * an `InputFile`. Snake_case input comes back as the same object, not a copy.
 */
export function snakeCaseKeys<T>(value: T): T {
  return needsTurn(value, 0) ? (turn(value, 0) as T) : value;
}

// Bot API parameters are a few levels deep; the bound only stops a cyclic object.
const MAX_DEPTH = 32;

function needsTurn(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.some((item) => needsTurn(item, depth + 1));
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (UPPER.test(key) || needsTurn(value[key], depth + 1)) return true;
  }
  return false;
}

function turn(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => turn(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const snake = key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    // A key that is not a plain identifier (or `__proto__`) is not an option Telegram knows.
    if (snake === '__proto__') continue;
    out[snake] = turn(value[key], depth + 1);
  }
  return out;
}
