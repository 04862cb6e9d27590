import { Bot, MemorySessionStore, serve } from 'bottender';

import { createConnector } from '@bottender/telegram';

import { startFakeTelegramApi } from './fake-telegram-api';
import * as fx from './fixtures/events';
import { BOT_TOKEN, SECRET_TOKEN, postRaw, startTelegramBot, type TelegramBotHarness } from './harness';

/**
 * Bad input: a request without Telegram's secret token never reaches the handler or the session
 * store, a body that is not an update is refused, and no answer repeats any of the input.
 */
describe('Telegram webhook: secret token and body checks', () => {
  let h: TelegramBotHarness;
  let handled: number;

  beforeEach(async () => {
    handled = 0;
    h = await startTelegramBot({
      app: async (context) => {
        handled++;
        context.setState({ seen: true });
        await context.sendText('hello');
      },
    });
  });
  afterEach(() => h.close());

  const canary = 'CANARY-7f3a-do-not-echo';
  const raw = () => JSON.stringify(fx.textMessage(canary));
  const secret = (value: string) => ({ 'x-telegram-bot-api-secret-token': value });

  function expectUntouched(): void {
    expect(handled).toBe(0);
    expect(h.store.reads).toBe(0);
    expect(h.store.writes).toBe(0);
    expect(h.api.calls).toHaveLength(0);
  }

  it('answers 401 to a request without the secret token header, before reading any session', async () => {
    const answer = await h.postRaw(raw());
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'missing X-Telegram-Bot-Api-Secret-Token header' });
    expectUntouched();
  });

  it('answers 401 to an empty secret token', async () => {
    expect((await h.postRaw(raw(), secret(''))).status).toBe(401);
    expectUntouched();
  });

  it.each([
    ['a wrong token of the same length', `${SECRET_TOKEN.slice(0, -1)}x`],
    ['a shorter prefix of the token', SECRET_TOKEN.slice(0, 10)],
    ['the token with a suffix', `${SECRET_TOKEN}x`],
    ['the token in another case', SECRET_TOKEN.toUpperCase()],
    ['the bot token instead', BOT_TOKEN],
  ])('answers 401 to %s', async (_what, value) => {
    const answer = await h.postRaw(raw(), secret(value));
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'invalid secret token' });
    expectUntouched();
  });

  it('answers 401 to the header sent twice (node:http joins the values)', async () => {
    const answer = await postRaw(h.server.port, raw(), { 'x-telegram-bot-api-secret-token': SECRET_TOKEN, 'X-Telegram-Bot-Api-Secret-Token-': 'x' });
    // A header with another name is not the secret: only the exact header counts, and it is right here.
    expect(answer.status).toBe(200);
    const twice = await new Promise<number>((resolve, reject) => {
      const { request } = require('node:http') as typeof import('node:http');
      const body = raw();
      const req = request(
        { host: '127.0.0.1', port: h.server.port, path: '/webhooks/telegram', method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.setHeader('content-type', 'application/json');
      req.setHeader('x-telegram-bot-api-secret-token', [SECRET_TOKEN, SECRET_TOKEN]);
      req.end(body);
    });
    expect(twice).toBe(401);
  });

  it.each([
    ['a body that is not JSON', '{"update_id": 1, "message": ', 'body is not valid JSON'],
    ['an empty body', '', 'body is not valid JSON'],
    ['a JSON array', '[{"update_id": 1}]', 'body is not a Telegram update: expected an object with an integer "update_id"'],
    ['JSON null', 'null', 'body is not a Telegram update: expected an object with an integer "update_id"'],
    ['an update without update_id', `{"message": {"text": "${canary}"}}`, 'body is not a Telegram update: expected an object with an integer "update_id"'],
    ['a string update_id', '{"update_id": "1"}', 'body is not a Telegram update: expected an object with an integer "update_id"'],
    ['a negative update_id', '{"update_id": -5}', 'body is not a Telegram update: expected an object with an integer "update_id"'],
    ['a fractional update_id', '{"update_id": 1.5}', 'body is not a Telegram update: expected an object with an integer "update_id"'],
  ])('answers 400 to %s with the right secret, touching nothing', async (_what, body, error) => {
    const answer = await h.postRaw(body, secret(SECRET_TOKEN));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error });
    expect(answer.text).not.toContain(canary);
    expectUntouched();
  });

  it('handles a well-formed update with the right secret', async () => {
    const answer = await h.postRaw(raw(), secret(SECRET_TOKEN));
    expect(answer.status).toBe(200);
    expect(handled).toBe(1);
    expect(h.api.textsTo(fx.ALICE.id)).toEqual(['hello']);
  });

  it('runs a redelivered update (same update_id) once, answering 200 both times', async () => {
    const update = fx.textMessage('once');
    expect((await h.post(update)).status).toBe(200);
    expect((await h.post(update)).status).toBe(200);
    expect(handled).toBe(1);
    expect(h.api.textsTo(fx.ALICE.id)).toEqual(['hello']);
    expect((await h.store.inner.read(`telegram:${fx.ALICE.id}`))?.eventIds).toEqual([String(update.update_id)]);
  });

  it('runs a redelivery of an update that never got through', async () => {
    const update = fx.textMessage('retry');
    h.store.write = async () => {
      throw new Error('store down');
    };
    expect((await h.post(update)).status).toBe(503);
    expect(handled).toBe(1);
    h.store.write = (record, options) => h.store.inner.write(record, options);
    expect((await h.post(update)).status).toBe(200);
    expect(handled).toBe(2);
    // The first run's message was dropped with its state: only the committed run's went out.
    expect(h.api.textsTo(fx.ALICE.id)).toEqual(['hello']);
  });
});

describe('Telegram webhook without channels.telegram.secretToken', () => {
  it('does not start a webhook server, saying the secret is needed; polling needs none', async () => {
    const api = await startFakeTelegramApi(BOT_TOKEN);
    try {
      const connector = createConnector({ accessToken: BOT_TOKEN, origin: api.origin });
      expect(() => connector.transport({ dev: false })).toThrow(/channels\.telegram\.secretToken is required to serve the webhook/);
      expect(connector.transport({ dev: true })).toBe('loop');
      const bot = new Bot({ app: async () => {}, store: new MemorySessionStore() });
      await expect(serve({ bot, channels: [{ path: '/webhooks/telegram', connector }], port: 0, host: '127.0.0.1' })).rejects.toThrow(
        /secretToken is required/,
      );
      await connector.close();
    } finally {
      await api.close();
    }
  });

  it('refuses a request with 401 if it gets one anyway (a connector mounted by hand)', () => {
    const connector = createConnector({ accessToken: BOT_TOKEN, polling: true });
    const request = {
      method: 'POST',
      path: '/webhooks/telegram',
      query: new URLSearchParams(),
      headers: { 'x-telegram-bot-api-secret-token': 'anything' },
      rawBody: Buffer.from(JSON.stringify(fx.textMessage('hi'))),
    };
    expect(() => connector.receive(request)).toThrow('webhook secret token not configured (set channels.telegram.secretToken)');
  });
});
