import type { Context } from '../context/context';

/** Props passed to every action; `error` is set for the error handler. */
export interface ActionProps {
  [key: string]: unknown;
  /** The error thrown by the handler, for an `onError` handler (Bottender's `_error`). */
  error?: unknown;
  /** The match of a `text(RegExp, ...)` route. */
  match?: RegExpMatchArray;
}

/**
 * A handler, `async function App(context)`. As in Bottender 1.x an action may return another
 * action, which then runs with the same context (action chaining).
 */
export type Action<C extends Context<any, any> = Context<any, any>> = (
  context: C,
  props: ActionProps,
) => unknown;

/** At most this many chained actions run for one event: a cycle is a bug, not a busy loop. */
const MAX_CHAIN = 1000;

/** Runs `action` and every action it returns in turn. */
export async function runAction<C extends Context<any, any>>(
  action: Action<C>,
  context: C,
  props: ActionProps = {},
): Promise<void> {
  let next: unknown = action;
  for (let step = 0; typeof next === 'function'; step++) {
    if (step === MAX_CHAIN) {
      throw new Error(`action chain longer than ${MAX_CHAIN} steps: an action keeps returning actions`);
    }
    next = await (next as Action<C>)(context, props);
  }
}
