// Telegram webhook requests as Telegram sends them: one message update per request, in a chat.
import { createHash } from 'node:crypto';

/** What Telegram sends in X-Telegram-Bot-Api-Secret-Token; every target checks it (but 1.5.5, which cannot). */
export const SECRET_TOKEN = 'bench-secret-token_0123456789';
/** A bot token of the right shape; nothing here reaches Telegram. */
export const BOT_TOKEN = '7000000001:AAbenchbenchbenchbenchbenchbenchbench';
export const WEBHOOK_PATH = '/webhooks/telegram';

/** A private chat id (the user's id), distinct for each (tag, index). */
export function telegramChatId(tag, index) {
  return 100_000_000 + (parseInt(createHash('md5').update(`${tag}:${index}`).digest('hex').slice(0, 10), 16) % 7_000_000_000);
}

/** A `message` update with a text, from the chat's user, with a unique update_id. */
export function messageUpdateBody({ chatId, updateId, messageId, date }) {
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: messageId,
      from: { id: chatId, is_bot: false, first_name: 'Bench', language_code: 'en' },
      chat: { id: chatId, first_name: 'Bench', type: 'private' },
      date,
      text: 'hi',
    },
  });
}

export function telegramHeaders() {
  return { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET_TOKEN };
}
