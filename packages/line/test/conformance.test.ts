/** @bottender/line against the connector conformance kit of bottender/testing. */
import { describeConnectorConformance } from 'bottender/testing';

import { createConnector, type LineEvent } from '@bottender/line';
import { lineWebhookBody, signLineBody } from '@bottender/line/testing';

import { follow, postback, textMessage } from './fixtures/events';
import { ALICE, GROUP, groupSource, ROOM, roomSource, userSource } from './fixtures/sources';

const SECRET = 'conformance-secret';
const events = [
  textMessage('hi', { source: userSource(ALICE), webhookEventId: '01HZCONFORMANCEUSER0000000' }),
  postback('menu', { source: groupSource(ALICE), webhookEventId: '01HZCONFORMANCEGROUP000000' }),
  textMessage('hey', { source: roomSource(), webhookEventId: '01HZCONFORMANCEROOM0000000' }),
  follow({ source: null, webhookEventId: '01HZCONFORMANCENOSOURCE000' }),
];
const validBody = lineWebhookBody(events);

describeConnectorConformance<LineEvent>('@bottender/line', {
  create: () => createConnector({ accessToken: 'token', channelSecret: SECRET, origin: 'http://127.0.0.1:9' }),
  samples: (connector) => {
    const parsed = connector.receive(request(validBody, { sign: true })) as { events: LineEvent[] };
    const keys = [ALICE, GROUP, ROOM, undefined];
    return parsed.events.map((event, i) => ({ event, sessionKey: keys[i], eventId: events[i].webhookEventId as string }));
  },
  webhook: {
    request,
    validBody,
    badBodies: ['{"destination":"U1","events":[{"type":42}]}', '{"destination":1,"events":[]}'],
  },
});

function request(body: string | Buffer, { sign }: { sign: boolean }) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (sign) headers['x-line-signature'] = signLineBody(body, SECRET);
  return { method: 'POST', path: '/webhooks/line', query: new URLSearchParams(), headers, rawBody: Buffer.from(body) };
}
