import { type MessageArgs, messageKinds, type MessageKind } from './messages';
import type { LineMessage } from './reply-client';

/**
 * The `reply*`, `push*` and `send*` methods of Bottender 1.x's LineContext (`replyText`,
 * `pushSticker`, `sendCarouselTemplate`, ...: 14 kinds times 3 families), made from the one table
 * of {@link messageKinds} rather than written out 42 times, so the three families cannot drift
 * apart: every kind takes the same arguments and is checked the same way whichever family sends
 * it. Each method builds its message (throwing on bad arguments) and hands it to the context,
 * which queues it; nothing is sent until the runtime flushes the context after the commit.
 */

/** Which queue a method feeds: `reply` and `push` by name, `send` as `channels.line.sendMethod` says. */
export type MessageFamily = 'reply' | 'push' | 'send';

/** `${family}${Kind}` methods for every kind, e.g. `replyText(text, options)`. */
export type MessageMethods<F extends MessageFamily> = {
  [K in keyof typeof messageKinds as `${F}${K}`]: (...args: MessageArgs<K>) => Promise<void>;
};

/** @internal how a generated method hands its built message to the context. */
export const queueMessage: unique symbol = Symbol('bottender.line.queueMessage');

/** @internal what a class must implement to receive the generated methods. */
export interface MessageQueue {
  [queueMessage](family: MessageFamily, method: string, message: LineMessage): void;
}

const FAMILIES: readonly MessageFamily[] = ['reply', 'push', 'send'];

/**
 * Defines the generated methods on `target.prototype`; a method the class declares itself (such
 * as `sendText`, which the core's Context requires) is left as it is.
 */
export function installMessageMethods(target: { prototype: MessageQueue }): void {
  for (const kind of Object.keys(messageKinds) as MessageKind[]) {
    const build = messageKinds[kind] as (method: string, ...args: unknown[]) => LineMessage;
    for (const family of FAMILIES) {
      const name = `${family}${kind}`;
      if (Object.hasOwn(target.prototype, name)) continue;
      // An object literal's method gets `name` as its function name, which stack traces show.
      const method = {
        async [name](this: MessageQueue, ...args: unknown[]): Promise<void> {
          this[queueMessage](family, name, build(name, ...args));
        },
      }[name];
      Object.defineProperty(target.prototype, name, { value: method, writable: true, configurable: true });
    }
  }
}
