import { DEFAULT_TELEGRAM_ORIGIN, resolveTelegramOptions } from '@bottender/telegram';

import { BOT_TOKEN } from './harness';

/** `channels.telegram`: every bad value stops the start with the key named and the secret never echoed. */
describe('channels.telegram options', () => {
  it('applies the defaults', () => {
    expect(resolveTelegramOptions({ accessToken: BOT_TOKEN })).toEqual({
      accessToken: BOT_TOKEN,
      secretToken: undefined,
      origin: DEFAULT_TELEGRAM_ORIGIN,
      polling: undefined,
      pollingTimeout: 30,
      allowedUpdates: undefined,
    });
  });

  it('accepts and ignores the core keys and Bottender 1.x keys', () => {
    expect(() => resolveTelegramOptions({ accessToken: BOT_TOKEN, enabled: true, path: '/webhooks/telegram', sync: true } as any)).not.toThrow();
    expect(() => resolveTelegramOptions({ accessToken: BOT_TOKEN, skipLegacyProfile: false, onRequest: () => {} } as any)).not.toThrow();
  });

  it('refuses a key it does not know, naming the nearest one, before any other check', () => {
    expect(() => resolveTelegramOptions({ accessToken: BOT_TOKEN, secretTokn: 'abc' } as any)).toThrow(/channels\.telegram\.secretTokn .*secretToken/);
    expect(() => resolveTelegramOptions({ acessToken: BOT_TOKEN } as any)).toThrow(/channels\.telegram\.acessToken .*accessToken/);
  });

  it.each([
    [{}, 'channels.telegram.accessToken must be a non-empty string (the bot token from @BotFather), got undefined (is the environment variable set?)'],
    [{ accessToken: ` ${BOT_TOKEN}` }, 'channels.telegram.accessToken has leading or trailing whitespace; remove it'],
    [{ accessToken: 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8' }, 'channels.telegram.accessToken is not a bot token: expected "<digits>:<letters, digits, _ or ->"'],
    [{ accessToken: BOT_TOKEN, secretToken: 'has spaces in it' }, 'channels.telegram.secretToken must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram\'s rule), got a string'],
    [{ accessToken: BOT_TOKEN, secretToken: 'x'.repeat(257) }, 'channels.telegram.secretToken must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram\'s rule), got a string'],
    [{ accessToken: BOT_TOKEN, origin: 'https://api.telegram.org/bot123' }, 'channels.telegram.origin must be an http(s) origin such as https://api.telegram.org (no path, query or credentials), got "https://api.telegram.org/bot123"'],
    [{ accessToken: BOT_TOKEN, polling: 'true' }, 'channels.telegram.polling must be true or false, got a string'],
    [{ accessToken: BOT_TOKEN, pollingTimeout: 60 }, 'channels.telegram.pollingTimeout must be a whole number of seconds from 0 to 50, got 60'],
    [{ accessToken: BOT_TOKEN, allowedUpdates: 'message' }, 'channels.telegram.allowedUpdates must be an array of update types such as ["message", "callback_query"], got a string'],
  ])('refuses %j', (options, message) => {
    expect(() => resolveTelegramOptions(options as any)).toThrow(message);
  });

  it('never repeats a token in its messages', () => {
    const secret = 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8-secret';
    for (const options of [{ accessToken: secret }, { accessToken: BOT_TOKEN, secretToken: `${secret} !` }, { accessToken: BOT_TOKEN, origin: `https://u:${secret}@x.org/` }]) {
      try {
        resolveTelegramOptions(options);
        throw new Error('accepted');
      } catch (error) {
        expect((error as Error).message).not.toContain(secret);
      }
    }
  });
});
