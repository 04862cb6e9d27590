import { ALICE, textMessage, webhookBody } from './fixtures/events';
import { CHANNEL_SECRET, type LineBotHarness, sign, startLineBot } from './harness';

/**
 * Bad input: a request LINE did not sign never reaches the handler or the session store, a
 * signed body that is not a LINE webhook is refused, and no answer repeats any of the input.
 */
describe('LINE webhook: signature and body checks', () => {
  let h: LineBotHarness;
  let handled: number;

  beforeEach(async () => {
    handled = 0;
    h = await startLineBot({
      app: async (context) => {
        handled++;
        context.setState({ seen: true });
      },
    });
  });
  afterEach(() => h.close());

  const canary = 'CANARY-7f3a-do-not-echo';
  const signedRaw = () => JSON.stringify(webhookBody(textMessage(canary, { source: { type: 'user', userId: ALICE } })));

  function expectUntouched(): void {
    expect(handled).toBe(0);
    expect(h.store.reads).toBe(0);
    expect(h.store.writes).toBe(0);
    expect(h.api.requests).toHaveLength(0);
  }

  it('answers 401 to a request without X-Line-Signature, before reading any session', async () => {
    const answer = await h.postRaw(signedRaw());
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'missing X-Line-Signature header' });
    expectUntouched();
  });

  it('answers 401 to an empty X-Line-Signature', async () => {
    const answer = await h.postRaw(signedRaw(), { 'x-line-signature': '' });
    expect(answer.status).toBe(401);
    expectUntouched();
  });

  it('answers 401 to a signature that is not a signature of anything', async () => {
    const answer = await h.postRaw(signedRaw(), { 'x-line-signature': 'bm90IGEgc2lnbmF0dXJl' });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'invalid signature' });
    expectUntouched();
  });

  it('answers 401 to a body signed with another channel secret', async () => {
    const raw = signedRaw();
    const answer = await h.postRaw(raw, { 'x-line-signature': sign(raw, `${CHANNEL_SECRET.slice(1)}0`) });
    expect(answer.status).toBe(401);
    expectUntouched();
  });

  it('answers 401 when one byte of the signed body changed on the way', async () => {
    const raw = Buffer.from(signedRaw());
    const signature = sign(raw);
    const at = raw.indexOf(canary);
    raw[at] = raw[at] + 1; // "C" becomes "D": still valid JSON, no longer what LINE signed
    const answer = await h.postRaw(raw, { 'x-line-signature': signature });
    expect(answer.status).toBe(401);
    expectUntouched();
  });

  it('checks the signature over the raw bytes: re-serialized JSON with the same meaning fails', async () => {
    const raw = signedRaw();
    const pretty = JSON.stringify(JSON.parse(raw), null, 2);
    const answer = await h.postRaw(pretty, { 'x-line-signature': sign(raw) });
    expect(answer.status).toBe(401);
    expectUntouched();
  });

  it('accepts the same body with its own signature (the control case)', async () => {
    const raw = signedRaw();
    const answer = await h.postRaw(raw, { 'x-line-signature': sign(raw) });
    expect(answer.status).toBe(200);
    expect(handled).toBe(1);
  });

  it('never echoes the body or headers in a refusal', async () => {
    const raw = signedRaw();
    const answers = [
      await h.postRaw(raw, { 'x-line-signature': `${canary}=` }),
      await h.postRaw(`{"destination":"${canary}",`, { 'x-line-signature': sign(`{"destination":"${canary}",`) }),
      await h.postRaw(`{"events":"${canary}"}`, { 'x-line-signature': sign(`{"events":"${canary}"}`) }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 400, 400]);
    for (const answer of answers) expect(answer.text).not.toContain(canary);
  });

  it('answers 400 to malformed JSON with a valid signature, without reading any session', async () => {
    const raw = '{"destination":"U1","events":[{"type":"message",';
    const answer = await h.postRaw(raw, { 'x-line-signature': sign(raw) });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'body is not valid JSON' });
    expectUntouched();
  });

  it.each([
    ['an array', '[]'],
    ['no destination', '{"events":[]}'],
    ['events not an array', '{"destination":"U1","events":{}}'],
    ['an event that is not an object', '{"destination":"U1","events":[42]}'],
    ['an event without a type', '{"destination":"U1","events":[{"source":{"type":"user","userId":"U1"}}]}'],
  ])('answers 400 to a signed body that is not a LINE webhook: %s', async (_name, raw) => {
    const answer = await h.postRaw(raw, { 'x-line-signature': sign(raw) });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/^body is not a LINE webhook/);
    expectUntouched();
  });

  it('refuses the whole request when one event of several is malformed: nothing is half-handled', async () => {
    const raw = JSON.stringify(webhookBody(textMessage('fine'), 'not an event'));
    const answer = await h.postRaw(raw, { 'x-line-signature': sign(raw) });
    expect(answer.status).toBe(400);
    expectUntouched();
  });

  it('keeps hostile keys inert: __proto__ in a signed event does not reach any prototype', async () => {
    const raw = `{"destination":"U1","events":[{"type":"message","__proto__":{"polluted":true},"message":{"type":"text","id":"1","text":"hi","quoteToken":"q"},"source":{"type":"user","userId":"${ALICE}"},"webhookEventId":"01J0000000000000000000000A","deliveryContext":{"isRedelivery":false},"timestamp":1,"mode":"active"}]}`;
    const answer = await h.postRaw(raw, { 'x-line-signature': sign(raw) });
    expect(answer.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(handled).toBe(1);
  });
});
