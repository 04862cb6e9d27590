/**
 * The replies a handler queued on its context go out after its event's commit (a reply never
 * announces state that was not saved), outside the session's lane (a slow platform API does not
 * hold the session), and in the order of the session's events, on a queue of their own.
 */
import { type Context, flushContext } from '../context/context';
import { KeyedQueue } from './keyed-queue';
import type { Logger } from './logger';

export class ReplyQueue {
  readonly #queue = new KeyedQueue();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Sends what `context` queued, after the earlier events of session `id` (none: at once). Never rejects. */
  send(context: Context, id: string | undefined): Promise<void> {
    if (id === undefined) return this.#flush(context, '(no session)');
    return this.#queue.run(id, () => this.#flush(context, id));
  }

  async #flush(context: Context, id: string): Promise<void> {
    try {
      await context[flushContext]();
    } catch (error) {
      // The state is already committed; a redelivery would be dropped as a duplicate, so the
      // failure is reported here rather than turned into a refusal.
      this.#logger.error(`sending replies failed for session ${JSON.stringify(id)}`, error);
    }
  }
}
