/**
 * Bottender 1.x turned every key of a request body into camelCase before a handler saw it
 * (`callback_query.message.message_id` became `callbackQuery.message.messageId`), so 1.x
 * handlers read `rawEvent` (and the answers of its clients) in camelCase. This version keeps the
 * platform's own payload, the one its documentation describes and held events store, and adds
 * 1.x's names next to the platform's: see {@link addCamelCaseAliases}.
 */

/** Objects already given their aliases, so a second call costs nothing. */
const aliased = new WeakSet<object>();

/**
 * The name Bottender 1.x gave `key` (messaging-api-common's `camelcase`): words split at `_`, at
 * other non-alphanumerics and at case changes, the first lower-cased, the others capitalised; a
 * part starting with a digit joins the part before it (`image_72` → `image72`).
 */
export function oneXCamelCase(key: string): string {
  if (!/[^a-z0-9]/.test(key)) return key;
  let joined = '';
  for (const part of key.split('_')) {
    joined = joined === '' ? part : /^\d/.test(part) ? joined + part : `${joined}_${part}`;
  }
  const words = joined
    .replace(/([a-z0-9])([A-Z])/g, '$1\0$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1\0$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  let name = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (i === 0) name = word.toLowerCase();
    else name += (/^\d/.test(word) ? '_' : '') + word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  }
  return name;
}

/**
 * Gives every object inside `value` (a parsed JSON payload: plain objects and arrays) Bottender
 * 1.x's camelCase name of each of its keys as a second name, and returns `value` itself.
 *
 * Both names reach the same value: `raw.callback_query === raw.callbackQuery`, and a change made
 * through one is seen through the other. The 1.x names are non-enumerable getters, so
 * `Object.keys`, spreading and `JSON.stringify` see only the platform's names and the payload
 * stays what the platform sent. A 1.x name is not added where the object already has a key of
 * that name, where it would hide a method every object has (`toString`), nor to frozen objects.
 * Objects already done are skipped, so calling it again is cheap.
 */
export function addCamelCaseAliases<T>(value: T): T {
  alias(value, 0);
  return value;
}

/** Deeper than any platform's payload; stops a hostile, deeply nested body from costing more. */
const MAX_DEPTH = 64;

function alias(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || aliased.has(value)) return;
  aliased.add(value);
  if (Array.isArray(value)) {
    for (const item of value) alias(item, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return;
  const extensible = Object.isExtensible(value);
  for (const key of Object.keys(value)) {
    alias((value as Record<string, unknown>)[key], depth + 1);
    if (!extensible) continue;
    const name = oneXCamelCase(key);
    // Object.prototype's names (`to_string` → `toString`) stay the methods every object has.
    if (name === key || name === '' || Object.prototype.hasOwnProperty.call(value, name) || name in Object.prototype) continue;
    Object.defineProperty(value, name, {
      get(this: Record<string, unknown>) {
        return this[key];
      },
      set(this: Record<string, unknown>, next: unknown) {
        this[key] = next;
      },
      enumerable: false,
      configurable: true,
    });
  }
}
