import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Connector, WebhookResponse } from '../connector/types';
import type { Bot, BotDispatcher } from '../runtime/bot';
import type { WebhookLogEntry } from '../runtime/log';
import { consoleLogger, type Logger } from '../runtime/logger';
import { compilePathPattern, hasParams, type PathPattern } from './path-pattern';
import { answerWebhook } from './webhook-answer';
import { BodyAlreadyReadError, BodyTooLargeError, DEFAULT_BODY_LIMIT, readRawBody } from './read-body';

/** One enabled channel: a connector answering at a path. */
export interface Channel {
  path: string;
  connector: Connector;
}

export interface RequestHandlerOptions {
  bot: Bot<any>;
  channels: Channel[];
  /** Largest accepted body in bytes; larger ones get 413. Default 1 MiB. */
  bodyLimit?: number;
  /** Path answering `GET` with `200 {"status":"ok"}`. Default `/healthz`; false to disable. */
  healthPath?: string | false;
  /** Where a mounting mistake (a body parser that consumed the body first) is reported. Default: stderr. */
  logger?: Logger;
  /**
   * While this returns true, every answer also closes its connection. `serve()` sets it when it
   * shuts down: a keep-alive client would otherwise hold the close open after its last answer.
   */
  closing?: () => boolean;
  /**
   * Called once per request to a channel's path, after it was answered: method, path, status,
   * platform, each event's session and outcome, time (`bottender dev`'s log line). Nothing is
   * measured when absent.
   */
  onWebhook?: (entry: WebhookLogEntry) => void;
}

/** A `(req, res)` listener, usable as node:http's, Express's, or Koa's `ctx.req, ctx.res`. */
export type RequestListener = (request: IncomingMessage, response: ServerResponse, next?: () => void) => void;

/**
 * Routes webhook requests to their channel's connector and answers once state is saved.
 * Mounted in another framework, requests for other paths go to `next` when one is given.
 */
export function createRequestHandler(options: RequestHandlerOptions): RequestListener {
  const byPath = new Map<string, { connector: Connector; dispatcher: BotDispatcher }>();
  // Paths with parameters (`/webhooks/line/:channelId`), tried in order after the exact lookup.
  const patterns: { pattern: PathPattern; route: { connector: Connector; dispatcher: BotDispatcher } }[] = [];
  for (const channel of options.channels) {
    if (byPath.has(channel.path)) throw new Error(`two channels use the webhook path ${channel.path}`);
    const dispatcher = options.bot.dispatcher(channel.connector) as BotDispatcher;
    const route = { connector: channel.connector, dispatcher };
    byPath.set(channel.path, route);
    if (hasParams(channel.path)) patterns.push({ pattern: compilePathPattern(channel.path), route });
  }
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const healthPath = options.healthPath === undefined ? '/healthz' : options.healthPath;
  const logger = options.logger ?? consoleLogger;
  const closing = options.closing;
  const send = closing
    ? (response: ServerResponse, answer: WebhookResponse) => {
        if (closing()) response.shouldKeepAlive = false;
        sendAnswer(response, answer);
      }
    : sendAnswer;

  return (request, response, next) => {
    // Split by hand rather than with `new URL()`: this runs for every webhook, and a path is
    // matched exactly anyway (no dot segments or host to resolve).
    const target = request.url ?? '/';
    const mark = target.indexOf('?');
    const pathname = mark === -1 ? target : target.slice(0, mark);
    let matched = byPath.get(pathname);
    let params: Record<string, string> | undefined;
    if (!matched && patterns.length > 0) {
      for (const candidate of patterns) {
        params = candidate.pattern.match(pathname);
        if (params) {
          matched = candidate.route;
          break;
        }
      }
    }
    if (!matched) {
      if (healthPath && pathname === healthPath && request.method === 'GET') {
        send(response, { status: 200, body: { status: 'ok' } });
      } else if (next) {
        next();
      } else {
        send(response, { status: 404, body: { error: 'not found' } });
      }
      return;
    }
    const route = matched;
    // A declared answer deadline counts from here, reading the body included.
    const receivedAt = Date.now();
    const watch = options.onWebhook && watchWebhook(options.onWebhook, route.connector, request.method ?? '', pathname, receivedAt);
    const answered = watch ? (res: ServerResponse, answer: WebhookResponse) => (send(res, answer), watch.answered(answer.status)) : send;
    if (request.method !== 'POST') {
      answered(response, { status: 405, headers: { allow: 'POST' }, body: { error: 'method not allowed' } });
      return;
    }
    readRawBody(request, limit).then(
      (rawBody) =>
        answerWebhook(
          route.dispatcher,
          route.connector,
          {
            method: request.method ?? 'POST',
            path: pathname,
            query: new URLSearchParams(mark === -1 ? '' : target.slice(mark + 1)),
            headers: request.headers,
            rawBody,
            ...(params && { params }),
          },
          logger,
          receivedAt,
          watch?.observe,
        ).then((answer) => answered(response, answer)),
      (error) => answered(response, unreadable(error, pathname, logger)),
    ).catch(() => {
      // answerWebhook answers every failure itself; this only guards the socket having gone.
      if (!response.headersSent) send(response, { status: 500, body: { error: 'internal error' } });
    });
  };
}

/** Collects one webhook's log entry: its events' sessions and outcomes, then its status. */
function watchWebhook(
  report: (entry: WebhookLogEntry) => void,
  connector: Connector,
  method: string,
  path: string,
  startedAt: number,
) {
  let events: WebhookLogEntry['events'] = [];
  return {
    observe(received: readonly unknown[], deliveries: readonly { outcome: string }[]) {
      events = received.map((event, index) => {
        let session = '-';
        try {
          const key = connector.sessionKey(event as never);
          if (key !== undefined) session = `${connector.platform}:${key}`;
        } catch {
          // The runtime reported it as 'failed'.
        }
        return { session, outcome: deliveries[index]?.outcome ?? 'unknown' };
      });
    },
    answered(status: number) {
      try {
        report({ method, path, platform: connector.platform, events, status, durationMs: Date.now() - startedAt });
      } catch {
        // A log line must never break an answer.
      }
    },
  };
}

/** The answer to a body that could not be read; a mounting mistake is also logged, since it is ours to fix. */
function unreadable(error: unknown, pathname: string, logger: Logger): WebhookResponse {
  if (error instanceof BodyTooLargeError) {
    return { status: 413, headers: { connection: 'close' }, body: { error: 'request body too large' } };
  }
  if (error instanceof BodyAlreadyReadError) {
    // 5xx, not 4xx: the request was fine, the server is set up wrong, and the platform should retry.
    logger.error(
      `webhook ${pathname}: ${error.message}; mount the bot before body parsers, or keep the bytes ` +
        '(docs/configuration.md, "Mounting in Express, Fastify or Koa")',
    );
    return { status: 500, body: { error: 'request body was already read by another middleware' } };
  }
  return { status: 400, body: { error: 'request body could not be read' } };
}

/** Writes a webhook answer. */
export function sendAnswer(response: ServerResponse, answer: WebhookResponse): void {
  if (response.headersSent || response.destroyed) return;
  const body =
    answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const headers: Record<string, string | number> = { ...answer.headers, 'content-length': Buffer.byteLength(body) };
  if (body && !answer.headers?.['content-type']) {
    headers['content-type'] = typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  }
  response.writeHead(answer.status, headers);
  response.end(body);
}
