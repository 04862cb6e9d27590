import { createConnector, DEFAULT_LINE_ORIGIN, LineConnector, resolveLineOptions } from '@bottender/line';

const valid = { accessToken: 'token', channelSecret: 'secret' };

/** `channels.line` is checked when the connector is made, with errors naming the key. */
describe('channels.line options', () => {
  it('applies the defaults: LINE\'s origin, no push fallback, send*() replies (as in Bottender 1.x)', () => {
    expect(resolveLineOptions(valid)).toEqual({
      ...valid,
      origin: DEFAULT_LINE_ORIGIN,
      pushFallback: false,
      sendMethod: 'reply',
    });
  });

  it.each(['reply', 'push'] as const)('takes sendMethod %j, as 1.x configs set it', (sendMethod) => {
    expect(resolveLineOptions({ ...valid, sendMethod }).sendMethod).toBe(sendMethod);
  });

  it('accepts the whole channel object, ignoring path and enabled (the core uses them)', async () => {
    const connector = createConnector({ ...valid, enabled: true, path: '/webhooks/line', pushFallback: true });
    expect(connector).toBeInstanceOf(LineConnector);
    expect(connector.platform).toBe('line');
    await connector.close();
  });

  it('keeps only the origin of origin, normalized', () => {
    expect(resolveLineOptions({ ...valid, origin: 'http://127.0.0.1:8080/' }).origin).toBe('http://127.0.0.1:8080');
    expect(resolveLineOptions({ ...valid, origin: 'HTTPS://Proxy.Example.com' }).origin).toBe('https://proxy.example.com');
  });

  it.each([
    [{ channelSecret: 'secret' }, /^channels\.line\.accessToken must be a non-empty string .*got undefined \(is the environment variable set\?\)/],
    [{ accessToken: '', channelSecret: 'secret' }, /^channels\.line\.accessToken must be a non-empty string .*got an empty string/],
    [{ accessToken: 'token' }, /^channels\.line\.channelSecret must be a non-empty string/],
    [{ accessToken: 'token', channelSecret: 42 }, /^channels\.line\.channelSecret must be a non-empty string .*got 42/],
    [{ accessToken: 'token', channelSecret: '   ' }, /^channels\.line\.channelSecret must be a non-empty string .*got a blank string/],
    [{ accessToken: 'token', channelSecret: 'secret\n' }, /^channels\.line\.channelSecret has leading or trailing whitespace/],
    [{ ...valid, origin: 'api.line.me' }, /^channels\.line\.origin must be an http\(s\) origin .*not a URL/],
    [{ ...valid, origin: 'ftp://api.line.me' }, /^channels\.line\.origin must be an http\(s\) origin/],
    [{ ...valid, origin: 'https://proxy.example.com/line' }, /^channels\.line\.origin .*no path.*got "https:\/\/proxy\.example\.com\/line"/],
    [{ ...valid, origin: 42 }, /^channels\.line\.origin .*got 42/],
    [{ ...valid, pushFallback: 'yes' }, /^channels\.line\.pushFallback must be true or false, got a string/],
    [{ ...valid, sendMethod: 'Push' }, /^channels\.line\.sendMethod must be "reply" or "push", got "Push"$/],
    [{ ...valid, sendMethod: 'multicast' }, /^channels\.line\.sendMethod must be "reply" or "push", got "multicast"$/],
    [{ ...valid, sendMethod: true }, /^channels\.line\.sendMethod must be "reply" or "push", got true$/],
    [{ ...valid, sendMethod: null }, /^channels\.line\.sendMethod must be "reply" or "push", got null$/],
  ])('refuses %j with a clear error', (options, message) => {
    expect(() => createConnector(options as never)).toThrow(message);
  });

  it('never repeats a secret or credentials in its errors', () => {
    const attempts = [
      { accessToken: 'token', channelSecret: ' s3cr3t-value ' },
      { ...valid, origin: 'https://user:s3cr3t-value@proxy.example.com/p?key=s3cr3t-value' },
    ];
    for (const options of attempts) {
      expect(() => createConnector(options)).toThrow();
      try {
        createConnector(options);
      } catch (error) {
        expect((error as Error).message).not.toContain('s3cr3t-value');
      }
    }
  });

  it('names an unknown key with the nearest known one, before anything else', () => {
    expect(() => createConnector({ accessToken: 'token', channelSecert: 'secret' } as never)).toThrow(
      /^channels\.line\.channelSecert is not a known key; did you mean channelSecret\?$/,
    );
    expect(() => createConnector({ ...valid, sendMehtod: 'push', pushFallbak: true } as never)).toThrow(
      'channels.line.sendMehtod is not a known key; did you mean sendMethod?; channels.line.pushFallbak is not a known key; did you mean pushFallback?',
    );
    expect(() => createConnector({ ...valid, token: 'x' } as never)).toThrow(
      'channels.line.token is not a known key; the keys are accessToken, channelSecret, origin, pushFallback, sendMethod, getConfig, getSessionKeyPrefix, path, enabled',
    );
  });

  it("accepts and ignores Bottender 1.x's keys this version leaves out", () => {
    expect(() => resolveLineOptions({ ...valid, shouldBatch: false, skipLegacyProfile: true } as never)).not.toThrow();
  });

  it('refuses a missing channel object', () => {
    expect(() => createConnector(undefined as never)).toThrow(/^channels\.line must be an object with accessToken and channelSecret/);
  });
});
