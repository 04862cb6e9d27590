import { closestKey, describeValue, didYouMean, unknownKeyMessage, unknownKeys } from 'bottender/connector';

import { editDistance } from './closest-key';

describe('describeValue: one wording for what an error got', () => {
  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    ['', 'an empty string'],
    ['   ', 'a blank string'],
    ['s3cret', 'a string'],
    [42, '42'],
    [Number.NaN, 'NaN'],
    [false, 'false'],
    [10n, '10n'],
    [() => {}, 'a function'],
    [Symbol('x'), 'a symbol'],
    [[], 'an empty array'],
    [[1], 'an array'],
    [{}, 'an object'],
    [Object.create(null), 'an object'],
    [new Map(), 'a Map instance'],
    [new (class Animal {})(), 'an Animal instance'],
  ])('%p is %s', (value, words) => {
    expect(describeValue(value)).toBe(words);
  });

  it('quotes strings only when told they are not secrets, and cuts long ones', () => {
    expect(describeValue('redis', { echo: true })).toBe('"redis"');
    expect(describeValue('x'.repeat(100), { echo: true })).toBe(`"${'x'.repeat(57)}..."`);
    expect(describeValue('', { echo: true })).toBe('an empty string');
  });

  it('survives a hostile Proxy', () => {
    const proxy = new Proxy({}, { getPrototypeOf: () => { throw new Error('no'); } });
    expect(describeValue(proxy)).toBe('an object');
  });
});

describe('closestKey: the likely meant key', () => {
  const keys = ['accessToken', 'channelSecret', 'origin', 'pushFallback', 'sendMethod'];

  it('finds swaps, missing, extra and wrong letters, ignoring case', () => {
    expect(closestKey('channelSecert', keys)).toBe('channelSecret');
    expect(closestKey('acessToken', keys)).toBe('accessToken');
    expect(closestKey('originn', keys)).toBe('origin');
    expect(closestKey('SENDMETHOD', keys)).toBe('sendMethod');
    expect(closestKey('reddis', ['memory', 'file', 'redis', 'mongo', 'postgres'])).toBe('redis');
  });

  it('suggests nothing when nothing is close', () => {
    expect(closestKey('token', keys)).toBeUndefined();
    expect(closestKey('x', ['y'])).toBe('y');
    expect(closestKey('xy', ['ab'])).toBeUndefined();
    expect(didYouMean('zzz', keys)).toBe('');
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('words unknown keys the same way for every package', () => {
    expect(unknownKeys({ channelSecert: 1, origin: 2 }, keys)).toEqual(['channelSecert']);
    expect(unknownKeyMessage('channels.line', 'channelSecert', keys)).toBe(
      'channels.line.channelSecert is not a known key; did you mean channelSecret?',
    );
    expect(unknownKeyMessage('channels.line', 'x y', ['a'])).toBe('channels.line."x y" is not a known key; the keys are a');
  });
});
