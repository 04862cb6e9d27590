/** @bottender/slack against the connector conformance kit of bottender/testing: webhooks and Socket Mode. */
import { describeConnectorConformance } from 'bottender/testing';

import { createConnector, type SlackEvent } from '@bottender/slack';

import { type FakeSlackApi, startFakeSlackApi } from '@bottender/slack/testing';
import { FakeSocketMode } from './fake-socket-mode';
import * as fx from './fixtures/events';
import { APP_TOKEN, BOT_TOKEN, nowSeconds, sign, SIGNING_SECRET } from './harness';

let api: FakeSlackApi;
let socket: FakeSocketMode;
beforeAll(async () => {
  api = await startFakeSlackApi(BOT_TOKEN, APP_TOKEN);
  socket = await new FakeSocketMode().start(api);
  socket.redeliverAfterMs = 300;
});
afterAll(async () => {
  await socket.close();
  await api.close();
});

const callbacks = [
  fx.eventCallback(fx.message('hi', { channel: fx.GENERAL }), { eventId: 'Ev0CONFORM01' }),
  fx.eventCallback(fx.appMention('count', { channel: fx.RANDOM }), { eventId: 'Ev0CONFORM02' }),
  fx.eventCallback(fx.reactionAdded({ channel: fx.PRIVATE }), { eventId: 'Ev0CONFORM03' }),
  fx.eventCallback({ type: 'emoji_changed', subtype: 'add', name: 'party', value: 'https://e/x.png', event_ts: '1700000000.000100' }, { eventId: 'Ev0CONFORM04' }),
];
const keys = [fx.GENERAL, fx.RANDOM, fx.PRIVATE, undefined];

function request(body: string | Buffer, { sign: signed }: { sign: boolean }) {
  const timestamp = nowSeconds();
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp) };
  if (signed) headers['x-slack-signature'] = sign(body, timestamp);
  return { method: 'POST', path: '/webhooks/slack', query: new URLSearchParams(), headers, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

describeConnectorConformance<SlackEvent>('@bottender/slack', {
  create: () => createConnector({ accessToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: APP_TOKEN, origin: api.origin }),
  samples: async (connector) => {
    const events: SlackEvent[] = [];
    for (const body of callbacks) {
      const received = (await connector.receive(request(JSON.stringify(body), { sign: true }))) as { events: SlackEvent[] };
      events.push(...received.events);
    }
    return events.map((event, i) => ({ event, sessionKey: keys[i], eventId: callbacks[i].event_id }));
  },
  webhook: {
    request,
    validBody: JSON.stringify(callbacks[0]),
    badBodies: ['{"type":"event_callback","event":{"type":42}}', '{"type":"event_callback"}', 'payload=%7Bnot'],
  },
  loop: {
    deliver: async (_connector, samples) => {
      await socket.waitForConnection();
      for (const sample of samples) socket.send('events_api', sample.event.rawEvent);
    },
  },
});
