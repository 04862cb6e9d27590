import { debugLog } from 'bottender/connector';

/** `DEBUG=bottender:line`: each Messaging API call, its status and time. Off, it costs a boolean check. */
export const debugLine = debugLog('line');

/** Wraps a call's settle callbacks to log it when `DEBUG=bottender:line` is on. */
export function traced<T extends unknown[]>(endpoint: string, resolve: (...args: T) => void, reject: (error: Error) => void) {
  if (!debugLine.enabled) return { resolve, reject };
  const started = Date.now();
  return {
    resolve: (...args: T) => {
      debugLine('%s ok %dms', endpoint, Date.now() - started);
      resolve(...args);
    },
    reject: (error: Error) => {
      debugLine('%s failed %dms: %s', endpoint, Date.now() - started, error.message);
      reject(error);
    },
  };
}
