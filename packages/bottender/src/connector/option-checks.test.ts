import { apiOriginOption, booleanOption, describeOption, requireSecretOption } from './option-checks';

describe('the checks of channels.<platform> options', () => {
  it('says an unset option probably comes from an unset environment variable', () => {
    expect(describeOption(undefined)).toBe('undefined (is the environment variable set?)');
    expect(describeOption(5)).toBe('5');
    expect(describeOption('s3cr3t')).toBe('a string');
  });

  describe('requireSecretOption', () => {
    const check = (value: unknown) => requireSecretOption(value, 'channels.x.token', 'the bot token from X');
    it('takes a non-empty string as it is', () => expect(check('abc:DEF_123')).toBe('abc:DEF_123'));
    it.each([
      [undefined, 'undefined (is the environment variable set?)'],
      ['', 'an empty string'],
      ['   ', 'a blank string'],
      [42, '42'],
      [null, 'null'],
      [{}, 'an object'],
    ])('refuses %p, saying what it got and where the secret comes from', (value, got) => {
      expect(() => check(value)).toThrow(new TypeError(`channels.x.token must be a non-empty string (the bot token from X), got ${got}`));
    });
    it('refuses a pasted secret with a newline, without echoing it', () => {
      expect(() => check('s3cr3t\n')).toThrow(new TypeError('channels.x.token has leading or trailing whitespace; remove it'));
    });
  });

  describe('apiOriginOption', () => {
    const check = (value: unknown) => apiOriginOption(value, 'channels.x.origin', 'https://api.x.com');
    it('gives the fallback when unset, and the origin of an http(s) URL without a path', () => {
      expect(check(undefined)).toBe('https://api.x.com');
      expect(check('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
      expect(check('https://proxy.example/')).toBe('https://proxy.example');
    });
    it.each([
      ['ftp://x.com', '"ftp://x.com/"'],
      ['https://x.com/v2', '"https://x.com/v2"'],
      ['https://x.com/?token=1', '"https://x.com/"'],
      ['https://user:pw@x.com', '"https://x.com/"'],
      ['not a url', 'a string that is not a URL'],
      [8080, '8080'],
    ])('refuses %p, echoing only scheme, host and path', (value, got) => {
      expect(() => check(value)).toThrow(
        new TypeError(`channels.x.origin must be an http(s) origin such as https://api.x.com (no path, query or credentials), got ${got}`),
      );
    });
  });

  describe('booleanOption', () => {
    it('gives the fallback when unset, and a boolean as it is', () => {
      expect(booleanOption(undefined, 'channels.x.flag', false)).toBe(false);
      expect(booleanOption(undefined, 'channels.x.flag', undefined)).toBeUndefined();
      expect(booleanOption(true, 'channels.x.flag', false)).toBe(true);
    });
    it('refuses anything else, "true" included', () => {
      expect(() => booleanOption('true', 'channels.x.flag', false)).toThrow(new TypeError('channels.x.flag must be true or false, got a string'));
    });
  });
});
