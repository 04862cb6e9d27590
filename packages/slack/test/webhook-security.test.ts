import * as fx from './fixtures/events';
import { nowSeconds, sign, SIGNING_SECRET, type SlackBotHarness, startSlackBot } from './harness';

/**
 * Bad input: a request Slack did not sign (or signed too long ago, or "in the future") never
 * reaches the handler or the session store; a signed body that is not one of Slack's inputs is
 * refused; no answer repeats any of the input, and nothing crashes.
 */
describe('Slack webhook: signature, timestamp and body checks', () => {
  let h: SlackBotHarness;
  let handled: number;

  beforeEach(async () => {
    handled = 0;
    h = await startSlackBot({
      app: async (context) => {
        handled++;
        context.setState({ seen: true });
      },
    });
  });
  afterEach(() => h.close());

  const canary = 'CANARY-7f3a-do-not-echo';
  const raw = () => JSON.stringify(fx.eventCallback(fx.message(canary)));
  const json = { 'content-type': 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  function headers(body: string | Buffer, timestamp = nowSeconds(), secret = SIGNING_SECRET) {
    return { ...json, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(body, timestamp, secret) };
  }

  function expectUntouched(): void {
    expect(handled).toBe(0);
    expect(h.store.reads).toBe(0);
    expect(h.store.writes).toBe(0);
    expect(h.api.calls).toHaveLength(0);
  }

  it('accepts a correctly signed request (the control case)', async () => {
    const body = raw();
    expect((await h.postRaw(body, headers(body))).status).toBe(200);
    expect(handled).toBe(1);
  });

  it('answers 401 to a request without X-Slack-Signature, before reading any session', async () => {
    const answer = await h.postRaw(raw(), { ...json, 'x-slack-request-timestamp': String(nowSeconds()) });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'missing X-Slack-Signature header' });
    expectUntouched();
  });

  it('answers 401 to a request without X-Slack-Request-Timestamp', async () => {
    const body = raw();
    const answer = await h.postRaw(body, { ...json, 'x-slack-signature': sign(body, nowSeconds()) });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'missing X-Slack-Request-Timestamp header' });
    expectUntouched();
  });

  it.each([
    ['not v0', 'v1=' + 'a'.repeat(64)],
    ['not hex', 'v0=' + 'z'.repeat(64)],
    ['too short', 'v0=abc'],
    ['no version', 'a'.repeat(64)],
    ['base64 (LINE style)', 'bm90IGEgc2lnbmF0dXJl'],
  ])('answers 401 (never 500) to a malformed signature: %s', async (_name, signature) => {
    const answer = await h.postRaw(raw(), { ...json, 'x-slack-request-timestamp': String(nowSeconds()), 'x-slack-signature': signature });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'malformed X-Slack-Signature header' });
    expectUntouched();
  });

  it.each([['abc'], ['-1'], ['1.5'], ['1e9'], ['12345678901234567890']])('answers 401 to a malformed timestamp %s', async (timestamp) => {
    const body = raw();
    const answer = await h.postRaw(body, { ...json, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': sign(body, timestamp) });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'malformed X-Slack-Request-Timestamp header' });
    expectUntouched();
  });

  it.each([
    ['stale: 5 minutes and 1 second ago', -301],
    ['from the future: 5 minutes and 1 second ahead', 301],
    ['a day old', -86_400],
  ])('answers 401 to a correctly signed request with a timestamp %s', async (_name, offset) => {
    const body = raw();
    const answer = await h.postRaw(body, headers(body, nowSeconds() + offset));
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'X-Slack-Request-Timestamp is more than 5 minutes from the server clock' });
    expectUntouched();
  });

  it('accepts timestamps within the window either way (a few seconds of clock skew)', async () => {
    for (const offset of [-240, 240]) {
      const body = raw();
      expect((await h.postRaw(body, headers(body, nowSeconds() + offset))).status).toBe(200);
    }
    expect(handled).toBe(2);
  });

  it('answers 401 to a body signed with another signing secret', async () => {
    const body = raw();
    const answer = await h.postRaw(body, headers(body, nowSeconds(), `${SIGNING_SECRET.slice(1)}0`));
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'invalid signature' });
    expectUntouched();
  });

  it('answers 401 when one byte of the signed body changed on the way', async () => {
    const body = Buffer.from(raw());
    const signed = headers(body);
    const at = body.indexOf(canary);
    body[at] = body[at] + 1; // "C" becomes "D": still valid JSON, no longer what Slack signed
    const answer = await h.postRaw(body, signed);
    expect(answer.status).toBe(401);
    expectUntouched();
  });

  it('answers 401 when the signature is for another timestamp (a replayed signature with a fresh timestamp)', async () => {
    const body = raw();
    const old = nowSeconds() - 30;
    const answer = await h.postRaw(body, { ...json, 'x-slack-request-timestamp': String(nowSeconds()), 'x-slack-signature': sign(body, old) });
    expect(answer.status).toBe(401);
    expectUntouched();
  });

  it('checks the signature over the raw bytes: re-serialized JSON with the same meaning fails', async () => {
    const body = raw();
    const answer = await h.postRaw(JSON.stringify(JSON.parse(body), null, 2), headers(body));
    expect(answer.status).toBe(401);
    expectUntouched();
  });

  it('never echoes the body or headers in a refusal', async () => {
    const answers = [
      await h.postRaw(raw(), { ...json, 'x-slack-request-timestamp': String(nowSeconds()), 'x-slack-signature': `v0=${canary}` }),
      await h.postRaw(raw(), { ...json, 'x-slack-request-timestamp': canary, 'x-slack-signature': 'v0=' + 'a'.repeat(64) }),
      await h.postSigned(`{"type":"${canary}",`, 'application/json'),
      await h.postSigned(`payload=${encodeURIComponent(`{"type":"${canary}"`)}`, 'application/x-www-form-urlencoded'),
      await h.postSigned(`text=${canary}`, 'application/x-www-form-urlencoded'),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 400, 400, 400]);
    for (const answer of answers) expect(answer.text).not.toContain(canary);
    expectUntouched();
  });

  describe('signed bodies that are not Slack inputs', () => {
    it('answers 400 to malformed JSON', async () => {
      const answer = await h.postSigned('{"type":"event_callback","event":{', 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: 'body is not valid JSON' });
      expectUntouched();
    });

    it.each([
      ['an array', '[]'],
      ['no type', '{"event":{"type":"message"}}'],
      ['an event_callback without an event', '{"type":"event_callback"}'],
      ['an event without a type', '{"type":"event_callback","event":{"text":"x"}}'],
      ['url_verification without a challenge', '{"type":"url_verification"}'],
    ])('answers 400 to JSON that is not an Events API callback: %s', async (_name, body) => {
      const answer = await h.postSigned(body, 'application/json');
      expect(answer.status).toBe(400);
      expectUntouched();
    });

    it('answers 400 to an interactivity payload that is not JSON', async () => {
      const answer = await h.postSigned('payload=%7Bnot%20json', form['content-type']);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: 'the form field "payload" is not valid JSON' });
      expectUntouched();
    });

    it('answers 400 to a payload that is JSON but not an interactivity payload', async () => {
      const answer = await h.postSigned(`payload=${encodeURIComponent('["block_actions"]')}`, form['content-type']);
      expect(answer.status).toBe(400);
      expectUntouched();
    });

    it('answers 400 to a form body with neither payload nor command', async () => {
      const answer = await h.postSigned('text=hello&user_id=U1', form['content-type']);
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatch(/neither an interactivity payload/);
      expectUntouched();
    });

    it('answers 200 to the slash command SSL check without running the handler', async () => {
      const answer = await h.postSigned('ssl_check=1&token=legacy', form['content-type']);
      expect(answer.status).toBe(200);
      expectUntouched();
    });
  });

  it('keeps hostile keys inert: __proto__ in a signed payload and form does not reach any prototype', async () => {
    const body = `{"type":"event_callback","event_id":"Ev0PROTO01","team_id":"T1","__proto__":{"polluted":true},"event":{"type":"message","__proto__":{"polluted":true},"channel":"C0GENERAL1","user":"U0ALICE001","text":"hi","ts":"1.000001","event_ts":"1.000001","channel_type":"channel"}}`;
    expect((await h.postSigned(body, 'application/json')).status).toBe(200);
    const command = new URLSearchParams({ ...fx.slashCommand('/count', ''), __proto__: 'x' } as Record<string, string>);
    command.append('__proto__', 'polluted');
    expect((await h.postSigned(command.toString(), form['content-type'])).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(handled).toBe(2);
  });
});

describe('Slack url_verification', () => {
  let h: SlackBotHarness;
  let handled = 0;
  beforeEach(async () => {
    h = await startSlackBot({ app: async () => void handled++ });
  });
  afterEach(() => h.close());

  it('answers the challenge without running the handler or reading a session', async () => {
    const body = fx.urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
    const answer = await h.postEvent(body);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect(handled).toBe(0);
    expect(h.store.reads).toBe(0);
  });

  it('still checks the signature of a url_verification', async () => {
    const answer = await h.postRaw(JSON.stringify(fx.urlVerification()), { 'content-type': 'application/json' });
    expect(answer.status).toBe(401);
  });

  it('answers 200 to app_rate_limited without running the handler', async () => {
    expect((await h.postEvent(fx.appRateLimited())).status).toBe(200);
    expect(handled).toBe(0);
  });
});
