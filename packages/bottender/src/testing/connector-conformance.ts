import assert from 'node:assert/strict';

import type { Connector, ConnectorTransports, Delivery, DispatchOptions, EventDispatcher, WebhookRequest } from '../connector/types';
import type { BotEvent } from '../context/context';
import { Bot } from '../runtime/bot';
import { silentLogger } from '../runtime/logger';
import { MemorySessionStore } from '../stores/memory';

/**
 * The connector conformance kit: what every connector promises the runtime (docs/connectors.md),
 * written once and run against each connector, built-in or third-party. Checks that do not apply
 * (no webhook, no loop, no restoreEvent) are listed as not applicable, never passed empty.
 */

type AnyConnector = Connector<any, any> & ConnectorTransports<any>;

/** One event of the platform and what it must map to. */
export interface ConnectorSample<Event extends BotEvent = BotEvent> {
  event: Event;
  /** The session key the connector must give it (undefined: an event without a session). */
  sessionKey: string | undefined;
  /** The event id a redelivery repeats (undefined: the platform gives none). */
  eventId?: string | undefined;
}

/** How to run the kit against one connector. */
export interface ConnectorConformanceOptions<Event extends BotEvent = BotEvent> {
  /** A fresh connector; each check makes its own. Do not call `init()` here: the kit does, if needed. */
  create(): AnyConnector | Promise<AnyConnector>;
  /**
   * Events made by the connector's own parsing (from a signed request, or as its loop would
   * make them) with the session key and event id each must map to. Include at least one event
   * with a session and an event id.
   */
  samples(connector: AnyConnector): ConnectorSample<Event>[] | Promise<ConnectorSample<Event>[]>;
  /** For connectors that receive webhooks. */
  webhook?: {
    /** A request carrying `body`, with a valid signature when `sign` is true, none (or a wrong one) otherwise. */
    request(body: string | Buffer, options: { sign: boolean }): WebhookRequest;
    /** A valid body carrying at least one event with a session and an event id. */
    validBody: string;
    /** More bodies that are not valid for the platform; the kit adds its own. */
    badBodies?: (string | Buffer)[];
  };
  /** For connectors with a loop (`run`): makes the fake platform send `samples` to the loop. */
  loop?: {
    deliver(connector: AnyConnector, samples: ConnectorSample<Event>[]): void | Promise<void>;
  };
  /** False when the platform gives events no id (nothing can be de-duplicated). Default true. */
  eventIds?: boolean;
  /** False when the connector has no `restoreEvent` (its events cannot be recovered once held). Default true. */
  restoreEvent?: boolean;
  /** The deadline used by the deadline check, in ms. Default 400. */
  deadlineMs?: number;
}

/** One check, runnable by any test runner. */
export interface ConnectorConformanceCheck {
  name: string;
  applicable: boolean;
  run(): Promise<void>;
}

/** Bodies no platform's webhook accepts as events; each must get a 4xx (or a harmless 2xx), never a 5xx. */
export const HOSTILE_WEBHOOK_BODIES: readonly (string | Buffer)[] = [
  '',
  '{',
  'null',
  '[]',
  '"text"',
  '42',
  '{"__proto__":{"polluted":true}}',
  '{"events":"not a list"}',
  '{"events":[null,1,"x",[]]}',
  '['.repeat(5000) + ']'.repeat(5000),
  Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
  `{"x":"${'\u0000<script>'.repeat(200)}"}`,
];

/** A bot on a memory store that counts store reads and handler runs, for one check. */
function harness(connector: AnyConnector, app?: (context: any) => Promise<void>) {
  const store = new MemorySessionStore();
  /** `runs` counts every handler run; `sessionRuns` those of events with a session (the ones de-duplicated). */
  const counts = { reads: 0, runs: 0, sessionRuns: 0 };
  const read = store.read.bind(store);
  store.read = (id) => {
    counts.reads++;
    return read(id);
  };
  const bot = new Bot({
    store,
    logger: silentLogger,
    app:
      app ??
      (async (context: any) => {
        counts.runs++;
        if (context.session) {
          counts.sessionRuns++;
          context.setState({ seen: (context.state.seen ?? 0) + 1 });
        }
      }),
  });
  return { bot, store, counts, dispatcher: bot.dispatcher(connector) };
}

/** The kit as a list of checks, for runners other than Jest. */
export function connectorConformanceChecks<Event extends BotEvent>(
  options: ConnectorConformanceOptions<Event>,
): ConnectorConformanceCheck[] {
  const withConnector = async (body: (connector: AnyConnector) => Promise<void>): Promise<void> => {
    const connector = await options.create();
    try {
      await body(connector);
    } finally {
      await connector.close?.();
    }
  };
  const check = (name: string, body: (connector: AnyConnector) => Promise<void>, applicable = true): ConnectorConformanceCheck => ({
    name,
    applicable,
    run: () => (applicable ? withConnector(body) : Promise.resolve()),
  });
  const webhook = options.webhook;
  const deadlineMs = options.deadlineMs ?? 400;

  return [
    check('names its platform with lower-case letters and digits', async (connector) => {
      assert.match(connector.platform, /^[a-z0-9]+$/, `platform ${JSON.stringify(connector.platform)}`);
      if (connector.answerDeadlineMs !== undefined) {
        assert.ok(Number.isFinite(connector.answerDeadlineMs) && connector.answerDeadlineMs > 0, 'answerDeadlineMs must be a positive number');
      }
    }),

    check('maps each event to its session key and event id', async (connector) => {
      const samples = await options.samples(connector);
      assert.ok(samples.some((s) => s.sessionKey !== undefined), 'give at least one sample with a session');
      if (options.eventIds !== false) {
        assert.ok(samples.some((s) => s.sessionKey !== undefined && s.eventId !== undefined), 'give at least one sample with a session and an event id');
      }
      for (const sample of samples) {
        assert.equal(connector.sessionKey(sample.event), sample.sessionKey, 'session key');
        if ('eventId' in sample) assert.equal(connector.eventId?.(sample.event), sample.eventId, 'event id');
      }
    }),

    check(
      'restores an event from its JSON rawEvent, to the same session and event id (held events)',
      async (connector) => {
        assert.equal(
          typeof connector.restoreEvent,
          'function',
          'no restoreEvent(): implement it, or pass restoreEvent: false (events held at a deadline then cannot be recovered)',
        );
        for (const sample of await options.samples(connector)) {
          const raw = JSON.parse(JSON.stringify(sample.event.rawEvent)) as unknown;
          const restored = connector.restoreEvent!(raw);
          assert.equal(connector.sessionKey(restored), sample.sessionKey);
          assert.equal(connector.eventId?.(restored), connector.eventId?.(sample.event));
        }
      },
      options.restoreEvent !== false,
    ),

    check('runs a redelivered event once', async (connector) => {
      const { bot, counts, dispatcher } = harness(connector);
      const samples = (await options.samples(connector)).filter((s) => s.sessionKey !== undefined && s.eventId !== undefined);
      const first = await dispatcher.dispatch(samples.map((s) => s.event));
      assert.deepStrictEqual(first.map((d) => d.outcome), samples.map(() => 'handled'));
      const again = await dispatcher.dispatch(samples.map((s) => s.event));
      assert.deepStrictEqual(again.map((d) => d.outcome), samples.map(() => 'duplicate'));
      assert.equal(counts.runs, samples.length);
      await bot.close();
    }, options.eventIds !== false),

    check(
      'acknowledges an event not done by its deadline in time, as deferred, and commits it once',
      async (connector) => {
        let open!: () => void;
        const gate = new Promise<void>((resolve) => (open = resolve));
        let runs = 0;
        const { bot, store, dispatcher } = harness(connector, async (context: any) => {
          runs++;
          await gate;
          context.setState({ done: true });
        });
        const samples = await options.samples(connector);
        const sample = samples.find((s) => s.sessionKey !== undefined && s.eventId !== undefined) ?? samples.find((s) => s.sessionKey !== undefined)!;
        const hasId = connector.eventId?.(sample.event) !== undefined;
        const started = Date.now();
        const [delivery] = await dispatcher.dispatch([sample.event], { deadlineMs });
        assert.equal(delivery.outcome, 'deferred');
        assert.ok(Date.now() - started < deadlineMs, `acknowledged after ${Date.now() - started} ms, past the ${deadlineMs} ms deadline`);
        // A redelivery waits behind the first, is acknowledged in time too, and is not run again.
        const [retry] = hasId ? await dispatcher.dispatch([sample.event], { deadlineMs }) : [undefined];
        if (retry) assert.equal(retry.outcome, 'deferred');
        open();
        assert.equal(await delivery.settled, 'handled');
        if (retry) assert.equal(await retry.settled, 'duplicate');
        assert.equal(runs, 1);
        const record = await store.read(`${connector.platform}:${sample.sessionKey}`);
        assert.equal(record?.version, 1);
        await bot.close();
      },
    ),

    check(
      'refuses a request without a valid signature before parsing it, reading no session',
      async (connector) => {
        const { bot, counts } = harness(connector);
        for (const body of [webhook!.validBody, '{not json at all', '']) {
          const answer = await bot.handleRequest(connector, webhook!.request(body, { sign: false }));
          assert.ok(answer.status === 401 || answer.status === 403, `unsigned ${JSON.stringify(body.slice(0, 20))}: got ${answer.status}`);
        }
        assert.equal(counts.reads, 0, 'the store was read for a refused request');
        assert.equal(counts.runs, 0);
        await bot.close();
      },
      webhook !== undefined,
    ),

    check(
      'answers bad input with a 4xx (or a harmless 2xx), never a 5xx, and runs nothing for a refused one',
      async (connector) => {
        const { bot, counts } = harness(connector);
        for (const body of [...HOSTILE_WEBHOOK_BODIES, ...(webhook!.badBodies ?? [])]) {
          const before = counts.runs;
          const answer = await bot.handleRequest(connector, webhook!.request(body, { sign: true }));
          const shown = JSON.stringify(body.toString().slice(0, 30));
          assert.ok(answer.status < 500, `${shown}: got ${answer.status}`);
          if (answer.status >= 400) assert.equal(counts.runs, before, `${shown} was refused but its events ran`);
        }
        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
        await bot.close();
      },
      webhook !== undefined,
    ),

    check(
      'answers a valid signed request 200 once its events are committed, and its redelivery 200 without running them again',
      async (connector) => {
        const { bot, counts } = harness(connector);
        const first = await bot.handleRequest(connector, webhook!.request(webhook!.validBody, { sign: true }));
        assert.equal(first.status, 200);
        const runs = counts.sessionRuns;
        assert.ok(runs > 0, 'the valid body ran no event with a session');
        const again = await bot.handleRequest(connector, webhook!.request(webhook!.validBody, { sign: true }));
        assert.equal(again.status, 200);
        // Events without a session have nowhere to record their id: only those with one are checked.
        if (options.eventIds !== false) assert.equal(counts.sessionRuns, runs, 'a redelivered request ran its events again');
        await bot.close();
      },
      webhook !== undefined,
    ),

    check(
      'its loop hands events to the dispatcher, takes a refused event again, and stops when aborted',
      async (connector) => {
        const dispatched: unknown[] = [];
        let refuseFirst = true;
        const dispatcher: EventDispatcher<any> = {
          async dispatch(events: readonly BotEvent[], _options?: DispatchOptions): Promise<Delivery[]> {
            return events.map((event) => {
              dispatched.push(connector.eventId?.(event) ?? connector.sessionKey(event));
              if (refuseFirst) {
                refuseFirst = false;
                return { outcome: 'store-unavailable' as const };
              }
              return { outcome: 'handled' as const };
            });
          },
        };
        const abort = new AbortController();
        await connector.init?.();
        const running = connector.run!(dispatcher, abort.signal);
        const samples = (await options.samples(connector)).filter((s) => s.eventId !== undefined).slice(0, 1);
        await options.loop!.deliver(connector, samples);
        const until = Date.now() + 5000;
        while (dispatched.length < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
        abort.abort();
        await running;
        assert.ok(dispatched.length >= 2, `the refused event was not taken again (dispatched ${dispatched.length})`);
        assert.equal(dispatched[0], dispatched[1]);
      },
      options.loop !== undefined,
    ),
  ];
}

interface JestGlobals {
  describe(name: string, body: () => void): void;
  it: ((name: string, body: () => Promise<void> | void) => void) & { skip(name: string, body: () => void): void };
}

/**
 * Defines the kit as Jest tests: one `describe` named after the connector, one test per check;
 * checks that do not apply are skipped tests named "... (not applicable)".
 */
export function describeConnectorConformance<Event extends BotEvent>(
  name: string,
  options: ConnectorConformanceOptions<Event>,
): void {
  const jest = globalThis as unknown as Partial<JestGlobals>;
  if (typeof jest.describe !== 'function' || typeof jest.it !== 'function') {
    throw new Error('describeConnectorConformance needs the Jest globals; elsewhere use connectorConformanceChecks');
  }
  const { describe, it } = jest as JestGlobals;
  describe(`${name} connector conformance`, () => {
    for (const c of connectorConformanceChecks(options)) {
      if (c.applicable) it(c.name, () => c.run());
      else it.skip(`${c.name} (not applicable)`, () => {});
    }
  });
}
