import type { ApiMethod, ParamsOf, ResultOf, TelegramClient } from './api-client';
import { TelegramApiError } from './api-error';

/** One Bot API call a handler queued: `context.sendText()` queues `sendMessage` with its params. */
interface QueuedCall {
  /** The context method that queued it, for error messages. */
  contextMethod: string;
  apiMethod: ApiMethod;
  params: Record<string, unknown>;
}

/**
 * The calls one handler run makes that change something on Telegram (messages, edits, answers to
 * queries, group changes), collected while it runs and made when the runtime flushes the context:
 * after the state is saved, or after the error hook when the handler threw.
 *
 * Calls are made one at a time, in the order they were queued, so the chat shows messages in
 * that order. The first call that fails stops the rest (a later message never arrives without an
 * earlier one); the error says which calls were not made. A 429 was already retried by the client.
 *
 * One failure is mended instead of reported: a call to a group that became a supergroup is made
 * again to the supergroup Telegram names (`migrate_to_chat_id`), once.
 */
export class Outbox {
  #calls: QueuedCall[] = [];

  constructor(private readonly client: TelegramClient) {}

  get size(): number {
    return this.#calls.length;
  }

  add<M extends ApiMethod>(contextMethod: string, apiMethod: M, params: ParamsOf<M>): void {
    this.#calls.push({ contextMethod, apiMethod, params: params as Record<string, unknown> });
  }

  /** Drops every queued call (the handler threw: its messages must not go out). */
  clear(): void {
    this.#calls = [];
  }

  async flush(): Promise<void> {
    const calls = this.#calls;
    if (calls.length === 0) return;
    this.#calls = [];
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i];
      try {
        await this.#make(call);
      } catch (error) {
        const rest = calls.slice(i + 1).map((c) => `${c.contextMethod}()`);
        const message =
          `context.${call.contextMethod}() failed after the commit: ${(error as Error)?.message ?? String(error)}` +
          (rest.length > 0 ? `; ${rest.length} later call(s) not made: ${rest.join(', ')}` : '');
        const failure = new Error(message, { cause: error });
        failure.name = 'TelegramSendError';
        throw failure;
      }
    }
  }

  async #make(call: QueuedCall): Promise<void> {
    await callFollowingUpgrade(this.client, call.apiMethod, call.params as ParamsOf<ApiMethod>);
  }
}

/**
 * Makes one call; when Telegram answers that the group became a supergroup
 * (`migrate_to_chat_id`), makes it once more to the supergroup.
 */
export async function callFollowingUpgrade<M extends ApiMethod>(client: TelegramClient, apiMethod: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
  try {
    return await client.call(apiMethod, params);
  } catch (error) {
    const movedTo = error instanceof TelegramApiError ? error.migrateToChatId : undefined;
    const chatId = (params as { chat_id?: unknown } | undefined)?.chat_id;
    if (movedTo === undefined || chatId === undefined || chatId === movedTo) throw error;
    return client.call(apiMethod, { ...params, chat_id: movedTo });
  }
}
