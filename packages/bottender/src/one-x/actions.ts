import type { Action, ActionProps } from '../runtime/action';

/**
 * Bottender 1.x's action helpers, with 1.x's behaviour. Both build actions for the runner
 * (`runAction`), which runs an action and then every action it returns.
 */

/**
 * An action that runs `action` with `props` bound: it is called as `action(context, props)`,
 * whatever the runner passes. `props` is frozen (1.x froze it too), and the returned action keeps
 * `action`'s name, so routes and logs still name it.
 *
 * ```ts
 * router([text('hi', withProps(SayHi, { name: 'Ann' }))]);
 * ```
 */
export function withProps<C, P extends object>(action: (context: C, props: P) => unknown, props: P): Action<any> {
  if (typeof action !== 'function') throw new TypeError(`withProps: the action must be a function, got ${typeof action}`);
  Object.freeze(props);
  const bound = (context: C, runnerProps?: ActionProps) => (action as (c: C, p: P, r?: ActionProps) => unknown)(context, props, runnerProps);
  Object.defineProperty(bound, 'name', { value: action.name || 'Anonymous' });
  return bound as Action<any>;
}

/**
 * An action that runs `actions` in order, as middleware: each one gets the runner's props plus
 * `next`, the next action of the list (already bound to the context), and continues the chain by
 * returning `props.next`; one that returns nothing ends it. The last one gets no `next`.
 *
 * ```ts
 * chain([LogEvent, RequireLogin, App]); // LogEvent: `return props.next;` to go on
 * ```
 *
 * Throws a TypeError at once when `actions` is not a list of functions (1.x did too).
 */
export function chain(actions: readonly ((context: any, props: any) => unknown)[]): Action<any> {
  if (!Array.isArray(actions)) throw new TypeError('chain: expected a list of actions');
  for (const action of actions) {
    if (typeof action !== 'function') throw new TypeError('chain: every item must be an action (a function)');
  }
  return function Chain(context, props = {}) {
    let next: Action<any> | undefined;
    // Built from the end, so each action's `next` is the one after it.
    for (let i = actions.length - 1; i >= 0; i--) {
      const action = actions[i];
      const after = next;
      const bound: Action<any> = () => action(context, after === undefined ? { ...props } : { ...props, next: after });
      Object.defineProperty(bound, 'name', { value: action.name || 'Anonymous' });
      next = bound;
    }
    return next;
  };
}
