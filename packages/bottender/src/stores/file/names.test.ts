import { HOSTILE_SESSION_IDS } from '../../testing/conformance';
import { idFromFileName, isSessionFileName, sessionFileName, tempFileName } from './names';

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

describe('sessionFileName', () => {
  it.each(HOSTILE_SESSION_IDS.map((id) => [JSON.stringify(id).slice(0, 40), id]))(
    'gives %s one path segment that is a valid file name on Windows and POSIX',
    (_label, id) => {
      const name = sessionFileName(id);
      expect(name).toMatch(/^s_[a-z0-9_%~-]*\.json$/);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      expect(Buffer.byteLength(tempFileName(name, 'f'.repeat(16)))).toBeLessThanOrEqual(255);
      expect(name.split('.')[0]).not.toMatch(WINDOWS_DEVICE);
      expect(name).not.toMatch(/[. ]$/);
      expect(isSessionFileName(name)).toBe(true);
    },
  );

  it('gives every id its own name, even when the filesystem ignores case', () => {
    const names = HOSTILE_SESSION_IDS.map((id) => sessionFileName(id).toLowerCase());
    expect(new Set(names).size).toBe(HOSTILE_SESSION_IDS.length);
    expect(sessionFileName('line:Uabc')).not.toBe(sessionFileName('line:uabc'));
  });

  it('keeps plain ids readable and escapes everything else as lower-case UTF-8 hex', () => {
    expect(sessionFileName('line:u4af4980629')).toBe('s_line%3au4af4980629.json');
    expect(sessionFileName('test:A')).toBe('s_test%3a%41.json');
    expect(sessionFileName('../x')).toBe('s_%2e%2e%2fx.json');
    expect(sessionFileName('é')).toBe('s_%c3%a9.json');
    expect(sessionFileName('\u0000')).toBe('s_%00.json');
  });

  it('hashes long ids, keeping a readable start, and still tells ids apart by their last character', () => {
    const long = 'x'.repeat(5000);
    const name = sessionFileName(long);
    expect(name).toMatch(/^s_x{100}~[0-9a-f]{64}\.json$/);
    expect(sessionFileName(`${long}y`)).not.toBe(name);
  });

  it('keeps ids whose encoding fits in 200 characters whole, and hashes any longer', () => {
    expect(sessionFileName('x'.repeat(200))).toBe(`s_${'x'.repeat(200)}.json`);
    expect(sessionFileName(`${'x'.repeat(199)}A`)).toMatch(/~[0-9a-f]{64}\.json$/);
    expect(sessionFileName(`${'x'.repeat(199)}\u00e9`)).toMatch(/~[0-9a-f]{64}\.json$/);
  });

  it('never cuts a character in half when shortening', () => {
    const name = sessionFileName('\u00e9'.repeat(300));
    expect(name).toMatch(/^s_(%c3%a9)+~[0-9a-f]{64}\.json$/);
  });

  it('hashes ids with lone surrogates, so they cannot meet the replacement character', () => {
    expect(sessionFileName('\ud800')).toMatch(/~/);
    expect(sessionFileName('\ud800')).not.toBe(sessionFileName('\ufffd'));
    expect(sessionFileName('\ud800')).not.toBe(sessionFileName('\udc00'));
  });
});

describe('idFromFileName', () => {
  it.each(['line:U123', '../x', 'CON', '', 'é 👋', 'a\u0000b'])('gives back %p from its name', (id) => {
    expect(idFromFileName(sessionFileName(id))).toBe(id);
  });

  it('gives undefined for hashed names, whose id is only in the file', () => {
    expect(idFromFileName(sessionFileName('x'.repeat(5000)))).toBeUndefined();
  });

  it.each([
    ['a temporary file', tempFileName(sessionFileName('a'), '0123456789abcdef')],
    ['a foreign file', 'notes.json'],
    ['a name with upper-case hex', 's_%2E.json'],
    ['a name this module would spell another way', 's_%61.json'],
    ['a broken escape', 's_%zz.json'],
    ['a truncated escape', 's_%e2%82.json'],
  ])('gives undefined for %s', (_what, name) => {
    expect(idFromFileName(name)).toBeUndefined();
  });
});
