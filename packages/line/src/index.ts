/**
 * `@bottender/line`: the LINE Messaging API for Bottender (TypeScript). Enable it with
 * `channels.line` in `bottender.config.ts`; see docs/platforms/line.md.
 */
export { LineConnector, createConnector } from './connector';
export { LineContext, MAX_TEXT_LENGTH } from './context';
export type { LineMessageOptions, LineTextOptions } from './context';
export type {
  LineAudio,
  LineButtonsTemplate,
  LineCarouselOptions,
  LineConfirmTemplate,
  LineImage,
  LineImagemap,
  LineLocation,
  LineSticker,
  LineVideo,
  MessageKind,
} from './messages';
export type { MessageFamily, MessageMethods } from './message-methods';
export { LineEvent, conversationIdOf } from './event';
export type { LineMessageContent, LineRawEvent, LineSource } from './event';
export { DEFAULT_LINE_ORIGIN, resolveLineOptions } from './options';
export type { LineChannelOptions, LineSendMethod, ResolvedLineOptions } from './options';
export { LineApiError, LineNetworkError } from './api-error';
export type { LineErrorDetail } from './api-error';
export { MAX_MESSAGES_PER_CALL } from './reply-client';
export type { LineMessage } from './reply-client';
export type { LineUserProfile } from './profile-client';
