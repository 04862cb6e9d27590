import type { ConnectorTransports, EventDispatcher, TransportKind } from '../connector/types';
import { ACKNOWLEDGED_OUTCOMES, WebhookError } from '../connector/types';
import { TestConnector, TestEvent, type TestRawEvent } from './test-connector';

/**
 * A loop transport for tests and examples: a long-polling platform in memory. `push()` queues
 * updates as a platform would; `run()` takes them in batches and advances its offset past an
 * update only once its delivery is acknowledged, so a refused update is taken again (after a
 * short pause), which is what every real polling or socket connector must do.
 */
export class PollingTestConnector extends TestConnector implements ConnectorTransports<TestEvent> {
  /** Updates the platform holds, by update number; acknowledged ones are dropped. */
  readonly #updates: { update: number; raw: TestRawEvent }[] = [];
  #next = 1;
  #wake: (() => void) | undefined;
  /** The offset: every update before it was acknowledged. */
  offset = 1;
  /** How many batches `run()` took (a refused update makes it take one more). */
  batches = 0;
  readonly #batchSize: number;
  readonly #retryMs: number;

  constructor(options: { platform?: string; batchSize?: number; retryMs?: number } = {}) {
    super({ platform: options.platform ?? 'polling' });
    this.#batchSize = options.batchSize ?? 100;
    this.#retryMs = options.retryMs ?? 20;
  }

  /** The platform receives events for the bot (the bot takes them with its next poll). */
  push(...events: TestRawEvent[]): void {
    for (const raw of events) this.#updates.push({ update: this.#next++, raw });
    this.#wake?.();
  }

  /** Updates not yet acknowledged. */
  get pending(): number {
    return this.#updates.length;
  }

  transport(): TransportKind {
    return 'loop';
  }

  override receive(): never {
    throw new WebhookError(404, 'this platform has no webhook: it is polled');
  }

  async run(dispatcher: EventDispatcher<TestEvent>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.#updates.length === 0) {
        await this.#waitForUpdates(signal);
        continue;
      }
      const batch = this.#updates.slice(0, this.#batchSize);
      this.batches++;
      const deliveries = await dispatcher.dispatch(
        batch.map((u) => new TestEvent(u.raw)),
        { receivedAt: Date.now() },
      );
      // Advance past the acknowledged prefix only: a refused update is polled again.
      let acknowledged = 0;
      while (acknowledged < deliveries.length && ACKNOWLEDGED_OUTCOMES.has(deliveries[acknowledged].outcome)) acknowledged++;
      if (acknowledged > 0) {
        this.offset = batch[acknowledged - 1].update + 1;
        this.#updates.splice(0, acknowledged);
      }
      if (acknowledged < deliveries.length) await pause(this.#retryMs, signal);
    }
  }

  #waitForUpdates(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#wake = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
