import { debugLog } from '../runtime/log';
import type { SessionStore } from '../session/types';

/** `DEBUG=bottender:store`: each call of the session store, with the session id and its time. */
const debugStore = debugLog('store');

/** Calls worth a line; the id they take comes first. */
const TRACED = new Set(['read', 'write', 'delete', 'begin', 'init', 'close', 'holdEvent', 'heldEvents', 'releaseHeldEvents']);

/**
 * The store, logging its calls when `DEBUG=bottender:store` (or `logLevel: 'debug'`) is on when
 * the bot starts; otherwise the store itself, untouched. Methods run on the store itself, so
 * private fields and `instanceof` inside it keep working.
 */
export function traceStore(store: SessionStore): SessionStore {
  if (!debugStore.enabled) return store;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || !TRACED.has(property)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: unknown[]) => {
        const first = args[0];
        const subject = typeof first === 'string' ? first : typeof (first as { id?: unknown })?.id === 'string' ? (first as { id: string }).id : '';
        const started = Date.now();
        const done = (outcome: string) => debugStore('%s %s %s %dms', property, subject, outcome, Date.now() - started);
        try {
          const result = value.apply(target, args);
          if (result && typeof (result as Promise<unknown>).then === 'function') {
            return (result as Promise<unknown>).then(
              (settled) => {
                done(property === 'read' ? (settled ? `version ${(settled as { version?: unknown }).version}` : 'none') : 'ok');
                return settled;
              },
              (error: unknown) => {
                done(`failed: ${(error as Error)?.name ?? 'error'}`);
                throw error;
              },
            );
          }
          done('ok');
          return result;
        } catch (error) {
          done(`failed: ${(error as Error)?.name ?? 'error'}`);
          throw error;
        }
      };
    },
  });
}
