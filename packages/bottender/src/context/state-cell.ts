import { describeValue } from '../errors/describe-value';
import type { AnyState } from '../session/types';

/**
 * Deep-copies a JSON-compatible value. State is persisted as JSON by every driver, so copying
 * through JSON also rejects early (inside the handler, where the author can see it) anything a
 * store could not keep: cycles and BigInts throw here rather than at commit time.
 */
export function cloneJson<T>(value: T): T {
  const text = JSON.stringify(value);
  return text === undefined ? (undefined as T) : (JSON.parse(text) as T);
}

/**
 * An object literal (or `Object.create(null)`), from any realm: a handler loaded in another
 * `vm` context has its own `Object.prototype`, whose own prototype is null all the same.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || (Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === '[object Object]');
}

/**
 * The state of one session while one event is handled.
 *
 * The cell owns `current`, the value that will be committed, and never hands it out: the handler
 * sees a copy (`view`), so mutating `context.state` directly cannot reach the store (invariant 7).
 */
export class StateCell<State extends AnyState> {
  #current: State;
  #view: State | undefined;
  #changed = false;

  /**
   * @param stored the state to start from; the cell takes ownership of it (it must not be shared)
   * @param initialState the configured initial state, copied by `reset`
   */
  constructor(
    stored: State,
    private readonly initialState: State,
  ) {
    this.#current = stored;
  }

  /** A copy of the state for the handler; recreated after each change. */
  get view(): State {
    if (this.#view === undefined) this.#view = cloneJson(this.#current);
    return this.#view;
  }

  /** True once `set` or `reset` was called. */
  get changed(): boolean {
    return this.#changed;
  }

  /** Shallow-merges `partial` into the state, as Bottender's `setState` does. */
  set(partial: Partial<State>): void {
    if (!isPlainObject(partial)) {
      throw new TypeError(
        `setState expects a plain object of keys to merge, got ${describeValue(partial)}`,
      );
    }
    let copy: Partial<State>;
    try {
      copy = cloneJson(partial);
    } catch (error) {
      throw new TypeError(
        `setState got a value that cannot be stored as JSON (${(error as Error).message})`,
        { cause: error },
      );
    }
    // Spread onto a null-prototype-free plain object: keys like "__proto__" stay plain data.
    const next = { ...this.#current } as State;
    for (const key of Object.keys(copy)) {
      Object.defineProperty(next, key, {
        value: (copy as Record<string, unknown>)[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    this.#current = next;
    this.#view = undefined;
    this.#changed = true;
  }

  /** Back to a deep copy of the configured initial state. */
  reset(): void {
    this.#current = cloneJson(this.initialState);
    this.#view = undefined;
    this.#changed = true;
  }

  /** The value to commit. Only the runtime calls this, after the handler has finished. */
  snapshot(): State {
    return this.#current;
  }
}
