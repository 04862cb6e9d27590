import { compilePathPattern, hasParams } from './path-pattern';

describe('webhook paths with parameters', () => {
  it('matches one whole segment per parameter, decoded', () => {
    const pattern = compilePathPattern('/webhooks/line/:channelId');
    expect(pattern.match('/webhooks/line/1234')).toEqual({ channelId: '1234' });
    expect(pattern.match('/webhooks/line/a%20b')).toEqual({ channelId: 'a b' });
    expect(pattern.match('/webhooks/line/')).toBeUndefined();
    expect(pattern.match('/webhooks/line/1/2')).toBeUndefined();
    expect(pattern.match('/webhooks/line')).toBeUndefined();
    expect(pattern.match('/webhooks/line/%E0%A4%A')).toBeUndefined();
  });

  it('takes several parameters and keeps the rest of the path literal', () => {
    const pattern = compilePathPattern('/hooks.v1/:platform/x/:id');
    expect(pattern.match('/hooks.v1/line/x/7')).toEqual({ platform: 'line', id: '7' });
    expect(pattern.match('/hooksXv1/line/x/7')).toBeUndefined();
  });

  it('tells plain paths apart and refuses a nameless or repeated parameter', () => {
    expect(hasParams('/webhooks/line')).toBe(false);
    expect(hasParams('/webhooks/line/:channelId')).toBe(true);
    expect(() => compilePathPattern('/webhooks/:')).toThrow('":" is not a parameter name');
    expect(() => compilePathPattern('/:a/:a')).toThrow('parameter a appears twice');
  });
});
