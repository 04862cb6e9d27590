import type { Cluster, Redis } from 'ioredis';

/**
 * Waits until `client` is ready to take commands, starting the connection if it is lazy. Rejects
 * on the first connection error instead of waiting through ioredis's reconnection attempts: at
 * start-up an unreachable Redis should stop the process with a clear message, not hang.
 */
export function waitUntilReady(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status === 'end') return Promise.reject(new Error('the connection was closed'));
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('end', onEnd);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = () => settle();
    const onError = (error: unknown) => settle(error);
    const onEnd = () => settle(new Error('the connection was closed'));
    const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    client.once('ready', onReady);
    client.on('error', onError);
    client.once('end', onEnd);
    // A lazy client connects on request; its failure also arrives as an 'error' event, which
    // carries the more useful message (e.g. ECONNREFUSED rather than "Connection is closed").
    if (client.status === 'wait') client.connect().catch((error) => setImmediate(() => settle(error)));
  });
}
