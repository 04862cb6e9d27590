import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { cli, createConnector } from '@bottender/telegram';

import { parseCommandLine } from '../../bottender/src/cli/args';
import { main } from '../../bottender/src/cli/main';
import { type FakeTelegramApi, startFakeTelegramApi } from './fake-telegram-api';
import { BOT_TOKEN, SECRET_TOKEN } from './harness';

/** `bottender telegram webhook set|get|delete`, against the fake Bot API, from a bot folder's config. */
describe('bottender telegram webhook', () => {
  let api: FakeTelegramApi;
  let dir: string;
  let out: string;
  let err: string;
  const io = () => ({
    cwd: dir,
    env: process.env,
    stdin: new PassThrough(),
    stdout: { write: (text: string) => (out += text) } as any,
    stderr: { write: (text: string) => (err += text) } as any,
  });

  function config(telegram: Record<string, unknown>) {
    writeFileSync(join(dir, 'bottender.config.js'), `module.exports = ${JSON.stringify({ channels: { telegram: { enabled: true, ...telegram } } })};\n`);
  }

  beforeEach(async () => {
    api = await startFakeTelegramApi(BOT_TOKEN);
    dir = mkdtempSync(join(tmpdir(), 'bottender-telegram-cli-'));
    out = '';
    err = '';
    config({ accessToken: BOT_TOKEN, secretToken: SECRET_TOKEN, origin: api.origin, allowedUpdates: ['message', 'callback_query'] });
  });
  afterEach(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets the webhook with the secret token and the allowed updates, then shows and deletes it', async () => {
    expect(await cli(['webhook', 'set', '--url', 'https://bot.example.com/webhooks/telegram'], io())).toBe(0);
    expect(out).toBe('Telegram webhook set to https://bot.example.com/webhooks/telegram, with the secret token\n');
    expect(api.callsOf('setWebhook')[0].params).toEqual({
      url: 'https://bot.example.com/webhooks/telegram',
      secret_token: SECRET_TOKEN,
      allowed_updates: ['message', 'callback_query'],
    });
    out = '';
    expect(await cli(['webhook', 'get'], io())).toBe(0);
    expect(out).toBe('url: https://bot.example.com/webhooks/telegram\npending updates: 0\nallowed updates: message, callback_query\n');
    out = '';
    expect(await cli(['webhook', 'delete'], io())).toBe(0);
    expect(out).toBe('Telegram webhook deleted\n');
    expect(api.webhook).toBeUndefined();
    expect(err).toBe('');
  });

  it('runs through the bottender command (bottender telegram webhook get), with 1.x\'s -w', async () => {
    expect(await main(['telegram', 'webhook', 'set', '-w', 'https://bot.example.com/webhooks/telegram'], io())).toBe(0);
    expect(await main(['telegram', 'webhook', 'get'], io())).toBe(0);
    expect(out).toContain('url: https://bot.example.com/webhooks/telegram');
  });

  it('refuses to set a webhook without a secret token, or to a URL that is not HTTPS', async () => {
    config({ accessToken: BOT_TOKEN, origin: api.origin });
    expect(await cli(['webhook', 'set', '--url', 'https://bot.example.com/webhooks/telegram'], io())).toBe(1);
    expect(err).toContain('channels.telegram.secretToken is not set');
    err = '';
    expect(await cli(['webhook', 'set', '--url', 'http://bot.example.com/webhooks/telegram'], io())).toBe(2);
    expect(err).toContain('--url must be an https:// URL');
    expect(api.callsOf('setWebhook')).toHaveLength(0);
  });

  it("reports Telegram's refusal with its code and description, never the token", async () => {
    config({ accessToken: '7000000001:AAwrongwrongwrongwrongwrongwrongwrong', secretToken: SECRET_TOKEN, origin: api.origin });
    expect(await cli(['webhook', 'get'], io())).toBe(1);
    expect(err).toBe('bottender telegram: Telegram Bot API getWebhookInfo answered 401: Unauthorized\n');
  });

  it('warns when the URL does not end in channels.telegram.path', async () => {
    expect(await cli(['webhook', 'set', '--url', 'https://bot.example.com/hooks/tg'], io())).toBe(0);
    expect(err).toBe('bottender telegram: warning: the URL\'s path /hooks/tg is not channels.telegram.path (/webhooks/telegram)\n');
  });

  it('explains its usage', async () => {
    expect(await cli(['webhook', 'move'], io())).toBe(2);
    expect(err).toContain('unknown webhook command "move": use set, get or delete');
    expect(await cli([], io())).toBe(0);
    expect(out).toContain('Usage: bottender telegram webhook set --url <https url>');
  });

  it('takes --telegram-polling on start and dev, which makes the connector poll and delete a set webhook', () => {
    expect(parseCommandLine(['dev', '--telegram-polling'])).toMatchObject({ kind: 'dev', telegramPolling: true });
    expect(parseCommandLine(['start', '--telegram-polling'])).toMatchObject({ kind: 'start', telegramPolling: true });
    const before = process.env.BOTTENDER_TELEGRAM_POLLING;
    try {
      process.env.BOTTENDER_TELEGRAM_POLLING = '1';
      // The command line wins over the config's polling: false.
      const connector = createConnector({ accessToken: BOT_TOKEN, origin: api.origin, polling: false });
      expect(connector.transport({ dev: false })).toBe('loop');
      void connector.close();
    } finally {
      if (before === undefined) delete process.env.BOTTENDER_TELEGRAM_POLLING;
      else process.env.BOTTENDER_TELEGRAM_POLLING = before;
    }
  });
});
