import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { readRawBody } from 'bottender';

import type { FakeApiAnswer, FakeApiRequest, FakeApiSink, WebhookDevPlatform } from '../platforms/types';

/**
 * The platforms' APIs as the bot calls them, on 127.0.0.1: each connector's API origin points
 * here, so what the handler sends is received, answered in the platform's format, and shown on
 * the page. Platforms answer their own paths (LINE `/v2/bot/...`, ...); other paths are 404.
 */
export async function startFakeApiServer(
  platforms: () => readonly WebhookDevPlatform[],
  sink: FakeApiSink,
): Promise<{ server: Server; origin: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    readRawBody(req, 4 * 1024 * 1024).then(
      (body) => {
        const target = req.url ?? '/';
        const mark = target.indexOf('?');
        const request: FakeApiRequest = {
          method: req.method ?? 'GET',
          path: mark === -1 ? target : target.slice(0, mark),
          headers: req.headers,
          body,
        };
        let answer: FakeApiAnswer | undefined;
        for (const platform of platforms()) {
          answer = platform.handleApi(request, sink);
          if (answer) break;
        }
        answer ??= { status: 404, body: { message: 'Not found' } };
        const text = JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...answer.headers });
        res.end(text);
      },
      () => {
        res.writeHead(413);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
