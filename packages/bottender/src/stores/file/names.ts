import { createHash } from 'node:crypto';

/**
 * How session ids become file names.
 *
 * Session ids come from the network (invariant 9), so none of their characters may reach a path
 * as-is. Every id maps to one name that is a single path segment, valid on Windows as well as
 * POSIX, and distinct from the name of every other id even on case-insensitive filesystems:
 *
 * - `[a-z0-9_-]` are kept; every other character, upper-case letters included, is written as its
 *   UTF-8 bytes in lower-case `%xx` form. No separator, dot, colon or NUL survives, and `A` and
 *   `a` cannot fold into one file.
 * - Every name starts with `s_`, so no name is a Windows device name (`CON`, `nul.json`, ...) and
 *   session files are easy to tell from anything else in the folder.
 * - A name whose encoding would be long, or an id that is not well-formed Unicode (a lone
 *   surrogate, which UTF-8 cannot carry), is cut and ends with `~` and a SHA-256 of the id. `~`
 *   never appears in an unhashed name, so the two kinds cannot collide.
 *
 * The record inside the file holds the real id, which is what listings report.
 */

/** Every session file name starts with this. */
export const SESSION_FILE_PREFIX = 's_';
/** Every session file name ends with this. */
export const SESSION_FILE_SUFFIX = '.json';
/** Temporary files of atomic writes end with this; they are never read as sessions. */
export const TEMP_FILE_SUFFIX = '.tmp';

/** Longest encoded id kept whole; past it the name is cut and hashed (names stay < 255 bytes). */
const MAX_ENCODED_LENGTH = 200;
/** How much of a long encoded id is kept before the hash, to keep names recognizable. */
const HASHED_KEEP_LENGTH = 100;
const HASH_MARK = '~';

const SESSION_FILE_PATTERN = /^s_[a-z0-9_%~-]*\.json$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The file name (one path segment, no folder) that holds session `id`. */
export function sessionFileName(id: string): string {
  const wellFormed = !LONE_SURROGATE.test(id);
  if (wellFormed) {
    const encoded = encodeId(id);
    if (encoded.length <= MAX_ENCODED_LENGTH) return SESSION_FILE_PREFIX + encoded + SESSION_FILE_SUFFIX;
  }
  const readable = encodeId(id.replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD'), HASHED_KEEP_LENGTH);
  // Hash the UTF-16 code units: unlike UTF-8, that is injective over every JavaScript string.
  const hash = createHash('sha256').update(Buffer.from(id, 'utf16le')).digest('hex');
  return SESSION_FILE_PREFIX + readable + HASH_MARK + hash + SESSION_FILE_SUFFIX;
}

/** Whether `name` has the shape of a session file name (temporary and foreign files do not). */
export function isSessionFileName(name: string): boolean {
  return SESSION_FILE_PATTERN.test(name);
}

/**
 * The id a session file name was made from, or undefined when the name is hashed (the id is then
 * only in the file) or is not the name this module would give that id (a foreign file).
 */
export function idFromFileName(name: string): string | undefined {
  if (!isSessionFileName(name) || name.includes(HASH_MARK)) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(name.slice(SESSION_FILE_PREFIX.length, -SESSION_FILE_SUFFIX.length));
  } catch {
    return undefined;
  }
  return sessionFileName(id) === name ? id : undefined;
}

/** A fresh temporary name next to `fileName`, for writing before the atomic rename. */
export function tempFileName(fileName: string, unique: string): string {
  return `${fileName.slice(0, -SESSION_FILE_SUFFIX.length)}.${unique}${TEMP_FILE_SUFFIX}`;
}

function encodeId(id: string, limit = Infinity): string {
  let out = '';
  for (const char of id) {
    let piece = char;
    if (!/^[a-z0-9_-]$/.test(char)) {
      piece = '';
      for (const byte of Buffer.from(char, 'utf8')) piece += `%${byte.toString(16).padStart(2, '0')}`;
    }
    // Cut between characters only, so a shortened name never ends in half a character.
    if (out.length + piece.length > limit) break;
    out += piece;
  }
  return out;
}
