import { createConnector, resolveSlackOptions } from '@bottender/slack';

/** `channels.slack`: what is refused names the key and never repeats a secret. */
describe('channels.slack options', () => {
  const base = { accessToken: 'xoxb-1', signingSecret: 'secret-1' };

  it('applies the defaults', () => {
    expect(resolveSlackOptions(base)).toEqual({
      accessToken: 'xoxb-1',
      signingSecret: 'secret-1',
      appToken: undefined,
      socketMode: undefined,
      origin: 'https://slack.com',
      sessionScope: 'channel',
      includeBotMessages: false,
    });
  });

  it("accepts a Bottender 1.x config's keys (path, enabled, verificationToken, skipLegacyProfile, sync)", async () => {
    const connector = createConnector({ ...base, path: '/webhooks/slack', enabled: true, verificationToken: 'legacy', skipLegacyProfile: false, sync: true } as never);
    await connector.close();
  });

  it('names an unknown key with the nearest known one', () => {
    expect(() => resolveSlackOptions({ ...base, includeBotMessage: true } as never)).toThrow(
      'channels.slack.includeBotMessage is not a known key; did you mean includeBotMessages?',
    );
  });

  it.each([
    ['accessToken missing', { signingSecret: 's' }, /channels\.slack\.accessToken must be a non-empty string \(the bot token \(xoxb-…\)\), got undefined \(is the environment variable set\?\)/],
    ['signingSecret blank', { accessToken: 'a', signingSecret: '  ' }, /channels\.slack\.signingSecret must be a non-empty string .*got a blank string/],
    ['a secret with a trailing newline', { accessToken: 'a', signingSecret: 's\n' }, /signingSecret has leading or trailing whitespace/],
    ['only the 1.x verificationToken', { accessToken: 'a', verificationToken: 'v' }, /signingSecret must be set: Slack deprecated verificationToken/],
    ['origin with a path', { ...base, origin: 'https://slack.com/api/' }, /channels\.slack\.origin must be an http\(s\) origin/],
    ['sessionScope unknown', { ...base, sessionScope: 'user' }, /sessionScope must be "channel" or "thread", got "user"/],
    ['includeBotMessages not a boolean', { ...base, includeBotMessages: 'yes' }, /includeBotMessages must be true or false, got a string/],
    ['socketMode without appToken', { ...base, socketMode: true }, /socketMode is true but channels\.slack\.appToken is not set/],
    ['not an object', null, /channels\.slack must be an object/],
  ])('refuses %s', (_name, options, message) => {
    expect(() => resolveSlackOptions(options as never)).toThrow(message);
  });

  it('never repeats a secret in an error', () => {
    const secret = 'xoxb-SECRET-do-not-print ';
    expect(() => resolveSlackOptions({ accessToken: secret, signingSecret: 's' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('SECRET') }));
  });

  describe('transport', () => {
    const connector = (extra: object) => createConnector({ ...base, ...extra });
    it('uses Socket Mode under bottender dev when an app token is set, webhooks otherwise', () => {
      expect(connector({ appToken: 'xapp-1' }).transport({ dev: true })).toBe('loop');
      expect(connector({ appToken: 'xapp-1' }).transport({ dev: false })).toBe('webhook');
      expect(connector({}).transport({ dev: true })).toBe('webhook');
    });
    it('follows socketMode when set', () => {
      expect(connector({ appToken: 'xapp-1', socketMode: true }).transport({ dev: false })).toBe('loop');
      expect(connector({ appToken: 'xapp-1', socketMode: false }).transport({ dev: true })).toBe('webhook');
    });
    it('answers within Slack’s 3 seconds', () => {
      expect(connector({}).answerDeadlineMs).toBe(3000);
    });
  });
});
