/**
 * The connector conformance kit, run against the JSON test platform (webhooks), the console
 * connector (events from the terminal) and the polling test connector (a loop); and shown to
 * fail a connector that breaks the contract.
 */
import { ConsoleConnector, ConsoleEvent } from '../src';
import { type WebhookRequest, WebhookError } from '../src/connector';
import {
  connectorConformanceChecks,
  describeConnectorConformance,
  PollingTestConnector,
  TestConnector,
  TestEvent,
} from '../src/testing';

const SECRET = 's3cret';
const testRequest = (body: string | Buffer, { sign }: { sign: boolean }): WebhookRequest => ({
  method: 'POST',
  path: '/webhooks/test',
  query: new URLSearchParams(),
  headers: sign ? { 'x-test-secret': SECRET } : {},
  rawBody: Buffer.from(body),
});
const testSamples = () => [
  { event: new TestEvent({ user: 'alice', id: 'e1', text: 'hi' }), sessionKey: 'alice', eventId: 'e1' },
  { event: new TestEvent({ user: 'bob', id: 'e2', payload: 'p' }), sessionKey: 'bob', eventId: 'e2' },
  { event: new TestEvent({ text: 'nobody' }), sessionKey: undefined, eventId: undefined },
];

describeConnectorConformance('the JSON test platform', {
  create: () => new TestConnector({ secret: SECRET }),
  samples: testSamples,
  webhook: { request: testRequest, validBody: JSON.stringify({ events: [{ user: 'alice', id: 'e1', text: 'hi' }] }) },
});

describeConnectorConformance('the console', {
  create: () => new ConsoleConnector({ output: process.stdout }),
  samples: () => [
    { event: new ConsoleEvent({ message: { text: 'hi' } }, 'you'), sessionKey: 'you', eventId: undefined },
    { event: new ConsoleEvent({ payload: 'p' }, 'someone'), sessionKey: 'someone', eventId: undefined },
  ],
  // The console has no event ids (a line typed is never redelivered) and no deadline.
  eventIds: false,
  restoreEvent: false,
});

describeConnectorConformance('the polling test platform', {
  create: () => new PollingTestConnector(),
  samples: testSamples,
  loop: { deliver: (connector, samples) => (connector as PollingTestConnector).push(...samples.map((s) => s.event.rawEvent as object)) },
});

describe('the kit fails a connector that breaks the contract', () => {
  /** Parses before it checks the secret, and lets a parse error escape as a 500. */
  class CarelessConnector extends TestConnector {
    override receive(request: WebhookRequest) {
      const body = JSON.parse(request.rawBody.toString('utf8'));
      if (request.headers['x-test-secret'] !== SECRET) throw new WebhookError(401, 'invalid signature');
      return { events: (body.events ?? []).map((raw: object) => new TestEvent(raw)) };
    }
    override sessionKey(event: TestEvent) {
      return event.rawEvent.user?.toUpperCase();
    }
  }

  it('names each broken promise', async () => {
    const checks = connectorConformanceChecks({
      create: () => new CarelessConnector({ secret: SECRET }),
      samples: testSamples,
      webhook: { request: testRequest, validBody: JSON.stringify({ events: [{ user: 'alice', id: 'e1', text: 'hi' }] }) },
    });
    const failed: string[] = [];
    for (const check of checks) await check.run().catch(() => failed.push(check.name));
    expect(failed).toEqual([
      'maps each event to its session key and event id',
      'restores an event from its JSON rawEvent, to the same session and event id (held events)',
      // Committed under the wrong session key, so not where the platform's conversation is.
      'acknowledges an event not done by its deadline in time, as deferred, and commits it once',
      'refuses a request without a valid signature before parsing it, reading no session',
      'answers bad input with a 4xx (or a harmless 2xx), never a 5xx, and runs nothing for a refused one',
    ]);
  });
});
