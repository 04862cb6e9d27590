/** A path into a state tree: object keys and array indexes. */
export type StatePath = (string | number)[];

/** One difference between two states. */
export interface StateChange {
  path: StatePath;
  kind: 'added' | 'removed' | 'changed';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The leaves and subtrees that differ between two JSON states, for highlighting what an event
 * changed. Objects are compared key by key and arrays index by index; a value whose type changed
 * (object to array, number to string) is one change at its path.
 */
export function diffState(before: unknown, after: unknown, path: StatePath = [], changes: StateChange[] = []): StateChange[] {
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) changes.push({ path: [...path, key], kind: 'removed' });
      else diffState(before[key], after[key], [...path, key], changes);
    }
    for (const key of Object.keys(after)) if (!Object.hasOwn(before, key)) changes.push({ path: [...path, key], kind: 'added' });
    return changes;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const shared = Math.min(before.length, after.length);
    for (let i = 0; i < shared; i++) diffState(before[i], after[i], [...path, i], changes);
    for (let i = shared; i < before.length; i++) changes.push({ path: [...path, i], kind: 'removed' });
    for (let i = shared; i < after.length; i++) changes.push({ path: [...path, i], kind: 'added' });
    return changes;
  }
  if (!Object.is(before, after)) changes.push({ path, kind: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed' });
  return changes;
}

/**
 * A copy of `state` with `value` at `path` (objects along the way are created as needed; the
 * root stays an object). Keys are set as own data properties, so `__proto__` is a plain key.
 */
export function setAtPath(state: Record<string, unknown>, path: StatePath, value: unknown): Record<string, unknown> {
  if (path.length === 0) {
    if (!isObject(value)) throw new TypeError('the state must stay an object: set a key inside it instead');
    return structuredClone(value);
  }
  const root = structuredClone(state);
  let node: any = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const next = Array.isArray(node) ? node[Number(key)] : Object.hasOwn(node, key) ? node[key] : undefined;
    if (typeof next !== 'object' || next === null) {
      const created = {};
      define(node, key, created);
      node = created;
    } else {
      node = next;
    }
  }
  define(node, path[path.length - 1], value);
  return root;
}

/** Removes the key or array item at `path` from a copy of `state`. */
export function deleteAtPath(state: Record<string, unknown>, path: StatePath): Record<string, unknown> {
  if (path.length === 0) throw new TypeError('the whole state cannot be deleted: reset it instead');
  const root = structuredClone(state);
  let node: any = root;
  for (const key of path.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(key)] : Object.hasOwn(node, key) ? node[key] : undefined;
    if (typeof node !== 'object' || node === null) return root;
  }
  const last = path[path.length - 1];
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return root;
}

function define(node: any, key: string | number, value: unknown): void {
  if (Array.isArray(node)) {
    const index = Number(key);
    if (!Number.isSafeInteger(index) || index < 0 || index > node.length) throw new RangeError(`no array index ${JSON.stringify(key)} here`);
    node[index] = value;
    return;
  }
  Object.defineProperty(node, String(key), { value, enumerable: true, writable: true, configurable: true });
}

/** Checks that a path from the page is a list of keys and indexes. */
export function parsePath(value: unknown): StatePath {
  if (!Array.isArray(value) || value.length > 64 || !value.every((p) => typeof p === 'string' || (typeof p === 'number' && Number.isSafeInteger(p) && p >= 0))) {
    throw new TypeError('path must be a list of keys and array indexes');
  }
  return value as StatePath;
}
