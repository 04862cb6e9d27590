import type { ApiMethod, ParamsOf, TelegramClient } from './api-client';

/** @internal where a context method queues a Bot API call (made after the commit). */
export const queueCall = Symbol('bottender.telegram.queueCall');
/** @internal the chat (and topic) a message to the update's conversation goes to. */
export const chatTarget = Symbol('bottender.telegram.chatTarget');
/** @internal the client, for the methods that call Telegram at once. */
export const clientOf = Symbol('bottender.telegram.client');

/** Where a message to the event's conversation goes: the chat, its topic, the business connection. */
export interface TelegramTarget {
  chat_id: number;
  message_thread_id?: number;
  direct_messages_topic_id?: number;
  business_connection_id?: string;
}

/** What the generated methods use of a context. */
export interface CallQueue {
  [queueCall]<M extends ApiMethod>(contextMethod: string, apiMethod: M, params: ParamsOf<M>): void;
  [chatTarget](method: string): TelegramTarget;
  readonly [clientOf]: TelegramClient;
}
