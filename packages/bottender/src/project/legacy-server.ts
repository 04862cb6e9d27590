import type { RequestListener } from '../http/request-handler';
import { type BottenderApp, createBottender } from './create-bottender';

/** What Bottender 1.x's `bottender({ dev })` returned, for custom servers written against it. */
export interface LegacyBottenderServer {
  /** Loads the bot folder and connects the store and connectors. */
  prepare(): Promise<void>;
  /** The webhook request handler; requests that come before `prepare()` finishes wait for it. */
  getRequestHandler(): RequestListener;
  /**
   * Not in 1.x: lets in-flight events finish, then closes the store and connectors. Call it on
   * SIGTERM so a deploy never cuts an event between its handler and its commit.
   */
  close(): Promise<void>;
}

/**
 * Bottender 1.x's custom-server entry, so an existing `server.js` keeps working:
 *
 * ```js
 * const app = bottender({ dev: process.env.NODE_ENV !== 'production' });
 * const handle = app.getRequestHandler();
 * app.prepare().then(() => { express().use(handle).listen(5000); });
 * ```
 *
 * New code should use {@link createBottender}. `close()` is an addition for graceful shutdown.
 * `dev` is accepted and ignored (use `bottender dev` to restart on changes).
 */
export function bottender(options: { dev?: boolean; cwd?: string } = {}): LegacyBottenderServer {
  let created: Promise<BottenderApp> | undefined;
  const load = () => (created ??= createBottender({ cwd: options.cwd }));
  return {
    async prepare() {
      await (await load()).prepare();
    },
    getRequestHandler() {
      return (request, response, next) => {
        load().then(
          (app) => app.requestHandler(request, response, next),
          () => {
            // prepare() reports the error to its caller; the request only learns it failed.
            if (!response.headersSent) {
              response.writeHead(503, { 'content-type': 'application/json' });
              response.end('{"error":"bot not ready"}');
            }
          },
        );
      };
    },
    async close() {
      if (created) await (await created).close();
    },
  };
}
