import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startBot } from '../project/lifecycle';
import { createRequestHandler, type RequestHandlerOptions } from './request-handler';

export interface ServeOptions extends RequestHandlerOptions {
  port?: number;
  host?: string;
  /** Under `bottender dev`: connectors with a loop use it instead of webhooks. */
  dev?: boolean;
}

/** What {@link listenWebhooks} needs: the request handler's options and where to listen. */
export type WebhookServerOptions = ServeOptions;

/** A running webhook server. */
export interface RunningServer {
  server: Server;
  /** The port actually bound (useful with port 0). */
  port: number;
  /** Stops accepting requests, lets in-flight events finish, then closes the connectors and the store. */
  close(): Promise<void>;
}

/**
 * Starts a bot and serves its webhook channels on node:http: the store first (an unreachable
 * store fails the start with its own message instead of failing the first webhook), then the
 * connectors, held events, loops and the server, through the lifecycle (project/lifecycle.ts).
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { bot, channels, dev, logger, ...http } = options;
  const running = await startBot({ bot, channels, dev, logger, http });
  return { server: running.server!, port: running.port!, close: () => running.close() };
}

/**
 * Only the HTTP part: listens with the request handler of `options.channels`. `close()` stops
 * accepting requests and resolves once the server is closed (after in-flight answers).
 */
export async function listenWebhooks(options: WebhookServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
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
  let closed: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        stopping = true;
        server.close(() => resolve());
        server.closeIdleConnections();
      })),
  };
}
