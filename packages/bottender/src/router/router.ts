import type { Context } from '../context/context';
import type { Action, ActionProps } from '../runtime/action';

/** Decides whether a route takes the event; may add props (such as a RegExp match). */
export type RoutePredicate<C extends Context<any, any> = Context<any, any>> = (
  context: C,
) => boolean | ActionProps | Promise<boolean | ActionProps>;

/** One entry of a {@link router}. */
export interface Route<C extends Context<any, any> = Context<any, any>> {
  predicate: RoutePredicate<C>;
  action: Action<C>;
}

/** What text and payload routes match against: exact strings, any of several, or a RegExp. */
export type Pattern = '*' | string | string[] | RegExp;

/**
 * An action that runs the first route whose predicate takes the event, as Bottender 1.x's
 * `router([...])`. When none does, nothing runs; end with `route('*', ...)` for a fallback.
 */
export function router<C extends Context<any, any>>(routes: Route<C>[]): Action<C> {
  return async function Router(context, props) {
    for (const { predicate, action } of routes) {
      const verdict = await predicate(context);
      if (verdict === false) continue;
      const merged = verdict === true ? props : { ...props, ...verdict };
      return (ctx: C) => action(ctx, merged);
    }
    return undefined;
  };
}

/** A route with a custom predicate, or `'*'` for every event. */
export function route<C extends Context<any, any>>(predicate: '*' | RoutePredicate<C>, action: Action<C>): Route<C> {
  return { predicate: predicate === '*' ? () => true : predicate, action };
}

/** A route for text messages matching `pattern` (a RegExp's match goes to `props.match`). */
export function text<C extends Context<any, any>>(pattern: Pattern, action: Action<C>): Route<C> {
  return { predicate: (context) => context.event.isText && matches(pattern, context.event.text), action };
}

/** A route for payloads (postbacks, button presses) matching `pattern`. */
export function payload<C extends Context<any, any>>(pattern: Pattern, action: Action<C>): Route<C> {
  return { predicate: (context) => context.event.isPayload && matches(pattern, context.event.payload), action };
}

function matches(pattern: Pattern, value: string | null | undefined): boolean | ActionProps {
  if (value === undefined || value === null) return false;
  if (pattern === '*') return true;
  if (typeof pattern === 'string') return pattern === value;
  if (Array.isArray(pattern)) return pattern.includes(value);
  const match = value.match(pattern);
  return match ? { match } : false;
}
