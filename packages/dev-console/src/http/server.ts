import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type RequestListener, readRawBody } from 'bottender';

import type { StaticFiles } from './static-files';

/** An answer of the dev console's API. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** An API route: gets the query and the parsed JSON body. */
export type ApiRoute = (query: URLSearchParams, body: unknown) => Promise<ApiAnswer>;

/** A route that takes over the response (the event stream). */
export type StreamRoute = (response: ServerResponse) => void;

/** An error the API answers with its status and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ConsoleServerOptions {
  token: string;
  port: number;
  files: StaticFiles;
  /** `GET /api/<name>` and `POST /api/<name>` routes. */
  routes: Record<string, ApiRoute>;
  streams: Record<string, StreamRoute>;
  /** Webhook requests (`POST /<token>/webhooks/...`), handled by the runtime's request handler. */
  webhooks: RequestListener;
  onError?: (error: unknown) => void;
}

const csp = (scriptHashes: readonly string[] = []) =>
  `default-src 'none'; script-src 'self'${scriptHashes.map((h) => ` '${h}'`).join('')}; style-src 'self' 'unsafe-inline'; ` +
  "img-src 'self' https: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  // The token is in the URL: never send it to another site (images in messages are remote).
  'referrer-policy': 'no-referrer',
  'content-security-policy': csp(),
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

const BODY_LIMIT = 256 * 1024;

/**
 * The dev console's HTTP server, on 127.0.0.1 only. Every URL starts with the token
 * (`/<token>/...`), so the page's relative links carry it and a request without it is refused
 * (403) before anything else runs. Requests must name the server itself in `Host`, so a web page
 * elsewhere cannot reach it through DNS rebinding.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const expected = Buffer.from(options.token);
  let port = 0;
  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      options.onError?.(error);
      if (!response.headersSent) json(response, 500, { error: 'internal error' });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const host = request.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      text(response, 421, 'this dev console answers only at 127.0.0.1 or localhost');
      return;
    }
    const target = request.url ?? '/';
    const mark = target.indexOf('?');
    const pathname = mark === -1 ? target : target.slice(0, mark);
    const query = new URLSearchParams(mark === -1 ? '' : target.slice(mark + 1));
    const slash = pathname.indexOf('/', 1);
    const given = Buffer.from(pathname.slice(1, slash === -1 ? undefined : slash));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      text(response, 403, 'this dev console needs the token of the URL that bottender dev printed');
      return;
    }
    if (slash === -1) {
      // `/<token>` without the slash: relative URLs of the page need it.
      response.writeHead(308, { location: `/${options.token}/`, ...SECURITY_HEADERS });
      response.end();
      return;
    }
    const rest = pathname.slice(slash);
    if (rest.startsWith('/webhooks/')) {
      request.url = rest + (mark === -1 ? '' : target.slice(mark));
      options.webhooks(request, response);
      return;
    }
    if (request.method === 'GET' && (rest === '/' || rest.startsWith('/static/') || rest.startsWith('/vendor/'))) {
      const [folder, name] = rest === '/' ? ['static', 'index.html'] : [rest.startsWith('/static/') ? 'static' : 'vendor', rest.slice(rest.indexOf('/', 1) + 1)];
      const file = await options.files.get(folder as 'static' | 'vendor', name);
      if (!file) return text(response, 404, 'not found');
      response.writeHead(200, {
        'content-type': file.type,
        'content-length': file.body.length,
        ...SECURITY_HEADERS,
        'content-security-policy': csp(file.scriptHashes),
      });
      response.end(file.body);
      return;
    }
    if (rest.startsWith('/api/')) {
      const name = rest.slice('/api/'.length);
      const stream = Object.hasOwn(options.streams, name) ? options.streams[name] : undefined;
      if (stream && request.method === 'GET') return stream(response);
      const route = Object.hasOwn(options.routes, `${request.method} ${name}`) ? options.routes[`${request.method} ${name}`] : undefined;
      if (!route) return json(response, 404, { error: `no API ${request.method} ${name}` });
      let body: unknown;
      if (request.method === 'POST') {
        try {
          const raw = await readRawBody(request, BODY_LIMIT);
          body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
        } catch {
          return json(response, 400, { error: 'the body must be JSON of at most 256 KiB' });
        }
      }
      try {
        const answer = await route(query, body);
        return json(response, answer.status, answer.body);
      } catch (error) {
        if (error instanceof ApiError) return json(response, error.status, { error: error.message });
        throw error;
      }
    }
    text(response, 404, 'not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...SECURITY_HEADERS });
  response.end(text);
}

function text(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(message), ...SECURITY_HEADERS });
  response.end(message);
}
