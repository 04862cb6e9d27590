import { isValidSlackRequest } from '@slack/bolt';
import { WebhookError } from 'bottender/connector';

import { verifySlackSignature } from '../src/signature';
import { sign, SIGNING_SECRET } from './harness';

/**
 * The signature check agrees with Bolt's `isValidSlackRequest` (the reference it replaces on the
 * hot path, see signature.ts) on every case both handle, and refuses what Bolt lets through: a
 * timestamp in the future.
 */
describe('verifySlackSignature', () => {
  const now = 1_800_000_000_000;
  const seconds = now / 1000;
  const body = '{"type":"event_callback","event":{"type":"message","text":"héllo"}}';

  const request = (raw: string | Buffer, headers: Record<string, string>) => ({
    method: 'POST',
    path: '/webhooks/slack',
    query: new URLSearchParams(),
    headers,
    rawBody: Buffer.isBuffer(raw) ? raw : Buffer.from(raw),
  });
  const ours = (raw: string, headers: Record<string, string>) => {
    try {
      verifySlackSignature(request(raw, headers), SIGNING_SECRET, now);
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookError);
      expect((error as WebhookError).status).toBe(401);
      return false;
    }
  };
  const bolts = (raw: string, headers: Record<string, string>) =>
    isValidSlackRequest({
      signingSecret: SIGNING_SECRET,
      body: raw,
      headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
      nowMilliseconds: now,
    });

  const cases: [string, string, Record<string, string>][] = [
    ['valid', body, { 'x-slack-request-timestamp': String(seconds), 'x-slack-signature': sign(body, seconds) }],
    ['valid, 4 minutes old', body, { 'x-slack-request-timestamp': String(seconds - 240), 'x-slack-signature': sign(body, seconds - 240) }],
    ['stale', body, { 'x-slack-request-timestamp': String(seconds - 301), 'x-slack-signature': sign(body, seconds - 301) }],
    ['other secret', body, { 'x-slack-request-timestamp': String(seconds), 'x-slack-signature': sign(body, seconds, 'another-secret') }],
    ['body changed', `${body} `, { 'x-slack-request-timestamp': String(seconds), 'x-slack-signature': sign(body, seconds) }],
    ['timestamp changed', body, { 'x-slack-request-timestamp': String(seconds - 1), 'x-slack-signature': sign(body, seconds) }],
    ['upper-case hex', body, { 'x-slack-request-timestamp': String(seconds), 'x-slack-signature': sign(body, seconds).toUpperCase().replace('V0=', 'v0=') }],
  ];

  it.each(cases)('agrees with Bolt: %s', (_name, raw, headers) => {
    expect(ours(raw, headers)).toBe(bolts(raw, headers));
  });

  it('refuses a timestamp more than 5 minutes ahead, which Bolt accepts', () => {
    const headers = { 'x-slack-request-timestamp': String(seconds + 301), 'x-slack-signature': sign(body, seconds + 301) };
    expect(bolts(body, headers)).toBe(true);
    expect(ours(body, headers)).toBe(false);
  });

  it('checks the raw bytes, not a decoding of them', () => {
    const raw = Buffer.from([...Buffer.from('{"text":"'), 0xff, ...Buffer.from('"}')]);
    const headers = { 'x-slack-request-timestamp': String(seconds), 'x-slack-signature': sign(raw, seconds) };
    expect(() => verifySlackSignature(request(raw, headers), SIGNING_SECRET, now)).not.toThrow();
  });
});
