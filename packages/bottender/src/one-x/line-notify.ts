/**
 * Why `LineNotify` is gone: LINE ended the LINE Notify service on 31 March 2025, so there is
 * nothing left for a client to call.
 */
export const LINE_NOTIFY_ENDED =
  'LineNotify is not provided: LINE ended the LINE Notify service in 2025 (its API no longer answers). ' +
  'Send notifications as messages from your bot with the Messaging API instead (context.push*, or the LINE client). ' +
  'See docs/migrating-from-1x.md.';

/**
 * @deprecated LINE ended the LINE Notify service in 2025; this export only exists to say so.
 * Constructing it, calling it or reading any of its members throws an Error with that message.
 */
export const LineNotify: { new (...args: never[]): never; readonly ended: string } = new Proxy(
  function LineNotify() {
    throw new Error(LINE_NOTIFY_ENDED);
  },
  {
    construct() {
      throw new Error(LINE_NOTIFY_ENDED);
    },
    apply() {
      throw new Error(LINE_NOTIFY_ENDED);
    },
    get(_target, property) {
      if (property === 'ended') return LINE_NOTIFY_ENDED;
      // Let tooling that inspects exports (util.inspect, Jest) look without throwing.
      if (typeof property === 'symbol' || property === 'then' || property === 'name' || property === 'prototype') return undefined;
      throw new Error(LINE_NOTIFY_ENDED);
    },
  },
) as never;
