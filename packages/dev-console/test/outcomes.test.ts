import { MemorySessionStore, type SessionRecord, SessionStoreError } from 'bottender';

import type { EventOutcomeKind } from 'bottender/connector';

import { toLogOutcome } from '../src/runtime-events';
// @ts-expect-error the page's own module is plain browser JavaScript, without types
import { OUTCOME_LABELS } from '../static/event-log.js';
import { counterApp, startHarness } from './harness';

const alice = { kind: 'user', user: 'alice' };
const text = (value: string) => ({ kind: 'text', values: { text: value } });

describe('what the event log says happened', () => {
  test("every runtime outcome keeps its own name in the log and has a label on the page", () => {
    // A Record over the union: adding an outcome to the runtime fails to compile until it is listed here.
    const outcomes: Record<EventOutcomeKind, true> = {
      handled: true, 'handler-error': true, duplicate: true, 'no-session': true, deferred: true,
      'store-unavailable': true, 'lease-lost': true, 'timed-out': true, 'earlier-refused': true, failed: true,
    };
    for (const outcome of Object.keys(outcomes)) {
      expect({ outcome, log: toLogOutcome(outcome) }).toEqual({ outcome, log: outcome });
      expect({ outcome, label: typeof (OUTCOME_LABELS as Record<string, unknown>)[outcome] }).toEqual({ outcome, label: 'string' });
    }
  });

  test('refused: a request whose signature the channel secret did not make gets 401, and nothing runs', async () => {
    let runs = 0;
    const h = await startHarness({ app: async (context) => { runs++; await counterApp(context, {}); }, initialState: { count: 0 } });
    try {
      const sent = await h.api('POST', 'send', { platform: 'line', source: alice, input: text('hi'), mode: 'bad-signature' });
      expect(sent.json.entries[0]).toMatchObject({ outcome: 'refused', status: 401, messages: [], error: { name: 'HTTP 401', message: expect.stringMatching(/invalid signature/) } });
      expect(runs).toBe(0);
      expect((await h.api('GET', `session?id=${sent.json.sessionId}`)).json).toMatchObject({ live: false, version: 0 });
    } finally {
      await h.close();
    }
  });

  test('timed out: a handler past handlerTimeoutMs is reported, its messages dropped, its state not saved', async () => {
    const h = await startHarness({
      app: async (context) => {
        context.setState({ count: 1 });
        await context.sendText('too late');
        await new Promise((resolve) => setTimeout(resolve, 600));
      },
      initialState: { count: 0 },
      handlerTimeoutMs: 100,
    });
    try {
      const sent = await h.api('POST', 'send', { platform: 'line', source: alice, input: text('hi') });
      expect(sent.json.entries[0]).toMatchObject({ outcome: 'timed-out', status: 503, messages: [] });
      expect(sent.json.entries[0].error.message).toMatch(/handlerTimeoutMs/);
      expect((await h.api('GET', `session?id=${sent.json.sessionId}`)).json).toMatchObject({ version: 0, state: { count: 0 } });
    } finally {
      await h.close();
    }
  });

  test('503: a store that cannot be read', async () => {
    const store = new MemorySessionStore();
    let down = false;
    const read = store.read.bind(store);
    store.read = async (id: string): Promise<SessionRecord | undefined> => {
      if (down) throw new SessionStoreError('connection refused', id);
      return read(id);
    };
    const h = await startHarness({ app: counterApp, store, initialState: { count: 0 } });
    try {
      down = true;
      const sent = await h.api('POST', 'send', { platform: 'line', source: alice, input: text('hi') });
      expect(sent.json.entries[0]).toMatchObject({ outcome: 'store-unavailable', status: 503, messages: [] });
      expect(sent.json.entries[0].error.message).toMatch(/connection refused/);
      const view = await h.api('GET', `session?id=${sent.json.sessionId}`);
      expect(view.status).toBe(503);
      down = false;
      const again = await h.api('POST', 'send', { platform: 'line', source: alice, input: text('hi') });
      expect(again.json.entries[0]).toMatchObject({ outcome: 'handled', messages: [{ messages: [{ type: 'text', text: 'Count: 1' }] }] });
    } finally {
      await h.close();
    }
  });

  test('the handler time and the messages sent are on each entry; LINE inputs arrive in their real format', async () => {
    const seen: unknown[] = [];
    const h = await startHarness({
      app: async (context) => {
        seen.push(context.event.rawEvent);
        await context.sendText(`got ${context.event.type}`);
      },
    });
    try {
      const inputs = [
        { kind: 'postback', values: { data: 'a=1' } },
        { kind: 'sticker', values: { packageId: '446', stickerId: '1988' } },
        { kind: 'location', values: { title: 'T', address: 'A', latitude: '25', longitude: '121.5' } },
        { kind: 'image', values: {} },
        { kind: 'follow', values: {} },
      ];
      for (const input of inputs) {
        const sent = await h.api('POST', 'send', { platform: 'line', source: alice, input });
        expect(sent.json.entries[0]).toMatchObject({ outcome: 'handled', handlerMs: expect.any(Number) });
      }
      const join = await h.api('POST', 'send', { platform: 'line', source: { kind: 'room', user: 'alice', conversation: 'lunch' }, input: { kind: 'join', values: {} } });
      expect(join.json.entries[0].outcome).toBe('handled');
      expect(seen).toEqual([
        expect.objectContaining({ type: 'postback', postback: { data: 'a=1' }, replyToken: expect.any(String), webhookEventId: expect.any(String), deliveryContext: { isRedelivery: false } }),
        expect.objectContaining({ type: 'message', message: expect.objectContaining({ type: 'sticker', packageId: '446', stickerId: '1988' }) }),
        expect.objectContaining({ type: 'message', message: expect.objectContaining({ type: 'location', latitude: 25, longitude: 121.5 }) }),
        expect.objectContaining({ type: 'message', message: expect.objectContaining({ type: 'image', contentProvider: { type: 'line' } }) }),
        expect.objectContaining({ type: 'follow', source: { type: 'user', userId: expect.stringMatching(/^U[0-9a-f]{32}$/) } }),
        expect.objectContaining({ type: 'join', source: { type: 'room', roomId: expect.stringMatching(/^R[0-9a-f]{32}$/) } }),
      ]);
    } finally {
      await h.close();
    }
  });

  test('a LINE profile call from the handler is answered by the fake API and logged', async () => {
    const h = await startHarness({
      app: async (context: any) => {
        const profile = await context.getUserProfile();
        await context.sendText(`hello ${profile.displayName}`);
      },
    });
    try {
      const sent = await h.api('POST', 'send', { platform: 'line', source: { kind: 'user', user: 'Zoë' }, input: text('hi') });
      expect(sent.json.entries[0].messages[0].messages).toEqual([{ type: 'text', text: 'hello Zoë' }]);
      expect(sent.json.entries[0].calls).toEqual([expect.objectContaining({ method: 'GET', path: expect.stringMatching(/^\/v2\/bot\/profile\/U/), status: 200 })]);
    } finally {
      await h.close();
    }
  });
});

describe('the console platform, when no channel is enabled', () => {
  test('events of console:<user> through the runtime; replies captured; a throw rolls back', async () => {
    const h = await startHarness({ app: counterApp, initialState: { count: 0 }, channels: {} });
    try {
      expect(h.devConsole.platforms).toEqual(['console']);
      const first = await h.api('POST', 'send', { platform: 'console', source: { kind: 'user', user: 'you' }, input: text('hi') });
      expect(first.json).toMatchObject({ sessionId: 'console:you', entries: [{ outcome: 'handled', messages: [{ messages: [{ type: 'text', text: 'Count: 1' }] }] }] });
      const payload = await h.api('POST', 'send', { platform: 'console', source: { kind: 'user', user: 'you' }, input: { kind: 'payload', values: { payload: 'GO' } } });
      expect(payload.json.entries[0].messages[0].messages).toEqual([{ type: 'text', text: 'postback: GO' }]);
      const boom = await h.api('POST', 'send', { platform: 'console', source: { kind: 'user', user: 'you' }, input: text('boom') });
      expect(boom.json.entries[0]).toMatchObject({ outcome: 'handler-error', error: { message: 'boom: the handler failed on purpose' } });
      // The payload event committed (version 2) without changing the count; the throw committed nothing.
      expect((await h.api('GET', 'session?id=console:you')).json).toMatchObject({ version: 2, state: { count: 1 } });
      const burst = await h.api('POST', 'send', { platform: 'console', source: { kind: 'user', user: 'you' }, input: text('hi'), mode: { kind: 'burst', count: 20 } });
      expect(burst.json.entries.map((e: { outcome: string }) => e.outcome)).toEqual(Array(20).fill('handled'));
      expect((await h.api('GET', 'session?id=console:you')).json.state.count).toBe(21);
    } finally {
      await h.close();
    }
  });
});

describe('bad requests to the API get a clear 4xx and change nothing', () => {
  test.each([
    [{ platform: 'telegram', source: alice, input: text('hi') }, /no platform "telegram" here: line/],
    [{ platform: 'line', source: { kind: 'topic', user: 'a' }, input: text('hi') }, /LINE has no source kind "topic"/],
    [{ platform: 'line', source: { kind: 'group', user: 'a' }, input: text('hi') }, /a LINE group needs a name/],
    [{ platform: 'line', source: alice, input: text('') }, /a text message needs text/],
    [{ platform: 'line', source: alice, input: { kind: 'teleport', values: {} } }, /LINE has no input kind "teleport"/],
    [{ platform: 'line', source: alice, input: text('hi'), mode: { kind: 'burst', count: 51 } }, /1\.\.50/],
    [{ platform: 'line', source: alice, input: { kind: 'text', values: { text: 7 } } }, /input.values.text must be a string/],
    [{ platform: 'line', source: { kind: 'join', user: 'alice' }, input: { kind: 'join', values: {} } }, /LINE has no source kind/],
    [{ platform: 'line', source: alice, input: { kind: 'join', values: {} } }, /join event comes from a group or a room/],
    [[1, 2], /the body must be an object/],
  ])('%j', async (body, message) => {
    const h = await startHarness({ app: counterApp, initialState: { count: 0 } });
    try {
      const answer = await h.api('POST', 'send', body);
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatch(message);
      expect((await h.api('GET', 'log')).json).toEqual([]);
    } finally {
      await h.close();
    }
  });

  test('a body that is not JSON, and an unknown API', async () => {
    const h = await startHarness({ app: counterApp });
    try {
      const response = await fetch(`${h.devConsole.url}api/send`, { method: 'POST', body: '{nope' });
      expect(response.status).toBe(400);
      expect((await h.api('GET', 'nothing')).status).toBe(404);
      expect((await fetch(`${h.devConsole.url}static/../package.json`)).status).toBe(404);
      expect((await fetch(`${h.devConsole.url}static/%2e%2e%2fpackage.json`)).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
