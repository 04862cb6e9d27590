/** Argument checks and conversions of `OneXTelegramClient` that the context's methods do not share. */
import type { ParamsOf } from './api-client';
import { callee, describe, isPlainObject, requireChatId, requireId, requireObject, requireString } from './checks';
import { snakeCaseKeys } from './snake-case';

/** The chat a 1.x client call names first: an integer id or an `@channelusername`. */
export function chat(chatId: unknown, method: string): number | string {
  return requireChatId(chatId, method, 'the chat id (a number, or @channelusername)');
}

/**
 * Options that name a message: `{ chat_id, message_id }` (or 1.x's `{ chatId, messageId }`) or
 * `{ inline_message_id }`; anything else is refused here rather than by Telegram.
 */
export function messageRef(options: unknown, method: string): Record<string, unknown> {
  if (!isPlainObject(options)) {
    throw new TypeError(`${callee(method)} needs its options to name the message ({ chat_id, message_id } or { inline_message_id }), got ${describe(options)}`);
  }
  const params = snakeCaseKeys(options);
  if (params.inline_message_id !== undefined) {
    requireString(params.inline_message_id, method, 'inline_message_id');
    return params;
  }
  requireChatId(params.chat_id, method, 'chat_id (or inline_message_id)');
  requireId(params.message_id, method, 'message_id');
  return params;
}

/** 1.x's `pngSticker` and `emojis` ('😀😎') as today's InputSticker. */
export function inputSticker(sticker: unknown, emojis: unknown, maskPosition: unknown, method: string): ParamsOf<'addStickerToSet'>['sticker'] {
  if (typeof sticker !== 'object' || sticker === null) requireString(sticker, method, 'the PNG sticker (a file_id, an URL or an InputFile)');
  const list = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(requireString(emojis, method, 'the emojis'))]
    .map((part) => part.segment)
    .filter((part) => part.trim() !== '');
  const input: ParamsOf<'addStickerToSet'>['sticker'] = { sticker: sticker as string, format: 'static', emoji_list: list };
  if (maskPosition !== undefined) input.mask_position = snakeCaseKeys(requireObject(maskPosition, method, 'the mask position')) as never;
  return input;
}
