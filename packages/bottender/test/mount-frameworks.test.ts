/**
 * `createBottender().requestHandler` mounted in Express, Fastify and Koa exactly as
 * docs/configuration.md ("Mounting in Express, Fastify or Koa") shows, over real HTTP.
 *
 * The channel is signed like LINE: an HMAC of the raw body. The bodies sent are bytes that no
 * JSON parser gives back (spacing, an escaped "é"), so a mount that handed the bot a
 * re-serialized body instead of the bytes that arrived would answer 401.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';

import { type BottenderApp, createBottender, type Logger, silentLogger } from '../src';
import { counterApp, recordingLogger } from './support/bot';
import { makeBotFolder, removeBotFolders } from './support/cli';
import { SIGNATURE_HEADER, sign, type SignedConnector, signedPlatformPackage } from './support/signed-channel';

const SECRET = 'channel-secret-for-tests';
const WEBHOOK = '/webhooks/signed';

/** What a framework set-up hands the tests: where it listens, and how to stop it. */
interface Mounted {
  base: string;
  close(): Promise<void>;
}

/** A bot folder with the signed channel enabled and the counter handler, loaded as `bottender start` would. */
async function makeBot(logger: Logger = silentLogger): Promise<BottenderApp> {
  const dir = makeBotFolder(signedPlatformPackage());
  const bot = await createBottender({
    cwd: dir,
    config: {
      app: counterApp().app,
      initialState: { count: 0 },
      channels: { signed: { enabled: true, channelSecret: SECRET } },
    },
    logger,
  });
  await bot.prepare();
  return bot;
}

/** A webhook body in bytes a JSON parser would not give back: spacing, an escaped "é", a final newline. */
function webhookBody(...events: Array<{ user: string; text: string }>): Buffer {
  const items = events.map((e) => `{ "user" : ${JSON.stringify(e.user)}, "text": "caf\\u00e9 ${e.text}" }`);
  return Buffer.from(`{\n  "events": [ ${items.join(', ')} ]\n}\n`);
}

function postWebhook(base: string, body: Buffer | string, signature = sign(SECRET, body)): Promise<Response> {
  return fetch(`${base}${WEBHOOK}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
    body,
  });
}

async function countOf(bot: BottenderApp, user: string): Promise<number | undefined> {
  return (await bot.bot.store.read(`signed:${user}`))?.state.count;
}

function repliesTo(bot: BottenderApp, user: string): string[] {
  return (bot.channels[0].connector as SignedConnector).repliesTo(user);
}

async function listening(server: Server): Promise<Mounted> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections(); // fetch keeps connections alive; close() would wait for them
      await closed;
    },
  };
}

// ---- The set-ups of docs/configuration.md, one function each ----

/** Express, the bot mounted before `express.json()`: it reads the body itself. */
function expressBotFirst(bot: BottenderApp): Promise<Mounted> {
  const app = express();
  app.use(bot.requestHandler);
  app.use(express.json());
  app.get('/', (req, res) => {
    res.send('my site');
  });
  app.post('/api/echo', (req, res) => {
    res.json({ got: req.body });
  });
  return listening(app.listen(0, '127.0.0.1'));
}

/** Express with `express.json()` first, keeping the bytes it read on `req.rawBody` in `verify`. */
function expressParserFirst(bot: BottenderApp): Promise<Mounted> {
  const app = express();
  app.use(
    express.json({
      verify: (req, res, buf) => {
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );
  app.use(bot.requestHandler);
  app.get('/', (req, res) => {
    res.send('my site');
  });
  app.post('/api/echo', (req, res) => {
    res.json({ got: req.body });
  });
  return listening(app.listen(0, '127.0.0.1'));
}

/**
 * Fastify parses bodies before routes run: the webhook routes get their own plugin whose only
 * parser keeps every content type as the exact bytes; the rest of the app keeps Fastify's JSON.
 */
async function fastifyApp(bot: BottenderApp): Promise<Mounted> {
  const fastify = Fastify();
  await fastify.register(async (webhooks) => {
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => done(null, body));
    for (const { path } of bot.channels) {
      webhooks.post(path, (request, reply) => {
        (request.raw as IncomingMessage & { rawBody?: unknown }).rawBody = request.body;
        reply.hijack(); // the bot writes the response itself
        bot.requestHandler(request.raw, reply.raw);
      });
    }
  });
  fastify.get('/', async () => 'my site');
  fastify.post('/api/echo', async (request) => ({ got: request.body }));
  const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { base, close: () => fastify.close() };
}

/** Koa: the channels' paths go to the bot, which writes the response itself; the rest to the app. */
function koaApp(bot: BottenderApp): Promise<Mounted> {
  const app = new Koa();
  const paths = new Set(bot.channels.map((channel) => channel.path));
  app.use(async (ctx, next) => {
    if (!paths.has(ctx.path)) return next();
    ctx.respond = false;
    bot.requestHandler(ctx.req, ctx.res);
  });
  app.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/') ctx.body = 'my site';
    else await next();
  });
  return listening(app.listen(0, '127.0.0.1'));
}

// ---- The same specification for each set-up ----

/**
 * `healthz` and `getWebhook`: what `GET /healthz` and a `GET` on the webhook path answer. Express
 * hands every path to the bot (200, 405); Fastify routes only `POST` on the webhook paths to it,
 * and neither Fastify nor Koa send `/healthz` there, so the framework answers 404.
 */
describe.each([
  { name: 'Express, bot before express.json()', mount: expressBotFirst, parsesJson: true, healthz: 200, getWebhook: 405 },
  { name: 'Express, express.json({ verify }) first keeping req.rawBody', mount: expressParserFirst, parsesJson: true, healthz: 200, getWebhook: 405 },
  { name: 'Fastify, webhook routes with a raw-bytes content-type parser', mount: fastifyApp, parsesJson: true, healthz: 404, getWebhook: 404 },
  { name: 'Koa, bot before any body parser', mount: koaApp, parsesJson: false, healthz: 404, getWebhook: 405 },
])('mounted in $name', ({ mount, parsesJson, healthz, getWebhook }) => {
  let bot: BottenderApp;
  let app: Mounted;
  beforeAll(async () => {
    bot = await makeBot();
    app = await mount(bot);
  });
  afterAll(async () => {
    await app?.close();
    await bot?.close();
    removeBotFolders();
  });

  it('counts each session\'s state across requests, answering 200 once it is saved', async () => {
    for (let i = 0; i < 3; i++) expect((await postWebhook(app.base, webhookBody({ user: 'ann', text: `${i}` }))).status).toBe(200);
    const both = await postWebhook(app.base, webhookBody({ user: 'bob', text: 'a' }, { user: 'ann', text: 'b' }));
    expect(both.status).toBe(200);
    expect(await countOf(bot, 'ann')).toBe(4);
    expect(await countOf(bot, 'bob')).toBe(1);
    expect(repliesTo(bot, 'ann')).toEqual(['Count: 1', 'Count: 2', 'Count: 3', 'Count: 4']);
  });

  it('verifies the signature over the bytes that arrived, not a re-serialized body', async () => {
    const body = webhookBody({ user: 'cat', text: 'exact' });
    const reserialized = JSON.stringify(JSON.parse(body.toString('utf8')));
    expect(reserialized).not.toBe(body.toString('utf8')); // the test would prove nothing otherwise

    expect((await postWebhook(app.base, reserialized, sign(SECRET, body))).status).toBe(401);
    expect((await postWebhook(app.base, body)).status).toBe(200);
    expect(await countOf(bot, 'cat')).toBe(1);
  });

  it('answers 401 to a wrong, missing or other-secret signature, and changes nothing', async () => {
    const body = webhookBody({ user: 'dan', text: 'x' });
    const wrong = await postWebhook(app.base, body, 'not-a-signature');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid signature' });
    expect((await postWebhook(app.base, body, sign('another-secret', body))).status).toBe(401);
    const unsigned = await fetch(`${app.base}${WEBHOOK}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(await countOf(bot, 'dan')).toBeUndefined();
    expect(repliesTo(bot, 'dan')).toEqual([]);
  });

  it("leaves the rest of the app to the framework: its routes, its JSON parsing, its 404", async () => {
    const page = await fetch(`${app.base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('my site');
    if (parsesJson) {
      const echoed = await fetch(`${app.base}/api/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: [1, 'two'] }),
      });
      expect(await echoed.json()).toEqual({ got: { a: [1, 'two'] } });
    }
    expect((await fetch(`${app.base}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${app.base}/healthz`)).status).toBe(healthz);
  });

  it('refuses a GET on the webhook path', async () => {
    expect((await fetch(`${app.base}${WEBHOOK}`)).status).toBe(getWebhook);
  });
});

describe('a body parser that runs before the bot', () => {
  afterAll(removeBotFolders);

  it('express.raw() leaves the exact bytes on req.body, which the bot uses', async () => {
    const bot = await makeBot();
    const app = express();
    app.use(express.raw({ type: '*/*' }));
    app.use(bot.requestHandler);
    const mounted = await listening(app.listen(0, '127.0.0.1'));
    try {
      expect((await postWebhook(mounted.base, webhookBody({ user: 'eve', text: 'raw' }))).status).toBe(200);
      expect(await countOf(bot, 'eve')).toBe(1);
    } finally {
      await mounted.close();
      await bot.close();
    }
  });

  it('express.json() without keeping the bytes: 500 at once and a log line saying how to mount, not a hang', async () => {
    const logger = recordingLogger();
    const bot = await makeBot(logger);
    const app = express();
    app.use(express.json());
    app.use(bot.requestHandler);
    const mounted = await listening(app.listen(0, '127.0.0.1'));
    try {
      const answer = await postWebhook(mounted.base, webhookBody({ user: 'fay', text: 'lost' }));
      expect(answer.status).toBe(500);
      expect(await answer.json()).toEqual({ error: 'request body was already read by another middleware' });
      expect(logger.lines).toEqual([
        expect.stringMatching(/^error webhook \/webhooks\/signed: the request body was already read by another middleware .*mount the bot before body parsers/),
      ]);
      expect(await countOf(bot, 'fay')).toBeUndefined();
    } finally {
      await mounted.close();
      await bot.close();
    }
  });
});

describe("Bottender 1.x's server.js pattern in Express 5", () => {
  afterAll(removeBotFolders);

  // bottender().getRequestHandler() wraps the same requestHandler; create-bottender.test.ts runs
  // it in a child process. Here: what Express changes, with the handler given in code (a handler
  // loaded from the folder would come from another realm than Jest's).
  it("keeps 1.x's req.rawBody string from express.json({ verify }), behind Express 5's catch-all route", async () => {
    const bot = await makeBot();
    const server = express();
    server.use(
      express.json({
        verify: (req, res, buf) => {
          (req as IncomingMessage & { rawBody?: string }).rawBody = buf.toString();
        },
      }),
    );
    // 1.x wrote server.all('*', ...); Express 5 throws on '*' when the route is added.
    expect(() => express().all('*', () => {})).toThrow(/Missing parameter name/);
    server.all('/{*splat}', (req, res) => bot.requestHandler(req, res));
    const mounted = await listening(server.listen(0, '127.0.0.1'));
    try {
      expect((await postWebhook(mounted.base, webhookBody({ user: 'gus', text: '1' }))).status).toBe(200);
      expect((await postWebhook(mounted.base, webhookBody({ user: 'gus', text: '2' }))).status).toBe(200);
      expect((await postWebhook(mounted.base, webhookBody({ user: 'gus', text: '3' }), 'forged')).status).toBe(401);
      expect(await countOf(bot, 'gus')).toBe(2);
      expect((await fetch(`${mounted.base}/elsewhere`)).status).toBe(404); // no next(): the bot answers 404
    } finally {
      await mounted.close();
      await bot.close();
    }
  });
});
