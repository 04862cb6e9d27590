/**
 * The frame of a driver's options test (`session.stores.<driver>` is checked when the store is
 * created, before anything connects). The table of refused values and what an accepted store
 * looks like stay in the driver's test; this is how they are run.
 */

/**
 * Call inside the test file's `describe`. `make(options)` is a function that creates a store from
 * `options`, for `expect(...).toThrow`; `accept(options)` creates one and returns it, and every
 * store it created is closed after the file's tests.
 */
export function storeFactoryChecks<S extends { close(): Promise<void> }>(createStore: (options: unknown) => S) {
  const make = (options: unknown) => () => createStore(options);
  const created: S[] = [];
  afterAll(() => Promise.all(created.map((store) => store.close())));
  const accept = (options: unknown) => {
    const store = make(options)();
    created.push(store);
    return store;
  };
  return { make, accept };
}

/** One test per row, `refuses <what>`: creating a store from `options` throws a TypeError whose message matches `message`. */
export function refusesEach(make: (options: unknown) => () => unknown, rows: [what: string, options: unknown, message: RegExp][]): void {
  it.each<[string, unknown, RegExp]>(rows)('refuses %s', (_what, options, message) => {
    expect(make(options)).toThrow(TypeError);
    expect(make(options)).toThrow(message);
  });
}
