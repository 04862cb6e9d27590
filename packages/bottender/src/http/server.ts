import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createRequestHandler, type RequestHandlerOptions } from './request-handler';

export interface ServeOptions extends RequestHandlerOptions {
  port?: number;
  host?: string;
}

/** A running webhook server. */
export interface RunningServer {
  server: Server;
  /** The port actually bound (useful with port 0). */
  port: number;
  /** Stops accepting requests, lets in-flight events finish, then closes the store and connectors. */
  close(): Promise<void>;
}

/**
 * Starts the webhook server on node:http. The store is initialized first, so an unreachable
 * store fails the start with its own message instead of failing the first webhook.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  await options.bot.init();
  for (const channel of options.channels) await channel.connector.init?.();
  // Answers given while closing end their connection: a keep-alive client (platforms keep them)
  // would otherwise hold close() open for keepAliveTimeout after its last answer.
  let stopping = false;
  const server = createServer(createRequestHandler({ ...options, closing: () => stopping }));
  // Platforms keep connections open; without this, close() would wait for idle sockets to time out.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5000, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closing ??= (async () => {
        stopping = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await options.bot.drain();
        await stopped;
        await options.bot.close();
        for (const channel of options.channels) await channel.connector.close?.();
      })()),
  };
}
