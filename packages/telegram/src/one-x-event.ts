import { addCamelCaseAliases } from 'bottender/connector';
import type {
  Audio,
  CallbackQuery,
  ChosenInlineResult,
  Contact,
  Document,
  Game,
  InlineQuery,
  Location,
  Message,
  PhotoSize,
  Poll,
  PollAnswer,
  PreCheckoutQuery,
  ShippingQuery,
  Sticker,
  Venue,
  Video,
  VideoNote,
  Voice,
} from 'node-telegram-bot-api';

import type { TelegramEvent } from './event';

/** A bot command at the start of a text: `/start ref42` is `{ name: 'start', payload: 'ref42' }`. */
export interface TelegramCommand {
  /** The command without the slash, as typed (`start`). */
  name: string;
  /** What follows the command, trimmed (`ref42` of `/start ref42`); '' when nothing does. */
  payload: string;
  /** The bot named in `/start@MyBot`, when one is. */
  botUsername?: string;
}

/**
 * The getters of Bottender 1.x's TelegramEvent, with their names and meanings, declared here so
 * TypeScript knows them on every {@link TelegramEvent} (see {@link installOneXEventGetters}).
 *
 * The `is…` getters, `text`, `command` and `payload` read the update and add nothing to it. The
 * getters that return one of the update's objects (`message`, `callbackQuery`, `photo`, ...)
 * return Telegram's object with 1.x's camelCase names added, because 1.x handlers read them so
 * (`event.callbackQuery.message.messageId`); only the object returned is given them.
 */
export interface OneXEventGetters {
  /** A `message` update (not edited, not a channel post), as in 1.x. */
  readonly isMessage: boolean;
  /** The message of a `message` update (with 1.x's camelCase names too), otherwise undefined. */
  readonly message: Message | undefined;
  /** A `message` with text. */
  readonly isText: boolean;
  /** The text of a `message`, otherwise undefined. */
  readonly text: string | undefined;
  /** A text `message` that starts with a bot command (`/start`, `/help@MyBot args`). */
  readonly isCommand: boolean;
  /** The command a text `message` starts with, e.g. `/start ref42`; otherwise undefined. */
  readonly command: TelegramCommand | undefined;
  /** A `message` that replies to another. */
  readonly isReplyToMessage: boolean;
  /** The message a `message` replies to, otherwise undefined. */
  readonly replyToMessage: Message | undefined;
  readonly isAudio: boolean;
  /** The audio of a `message`. */
  readonly audio: Audio | undefined;
  readonly isDocument: boolean;
  /** The document (a file) of a `message`. */
  readonly document: Document | undefined;
  readonly isGame: boolean;
  readonly game: Game | undefined;
  readonly isPhoto: boolean;
  /** The sizes of the photo of a `message`, smallest first (the last is the largest), as in 1.x. */
  readonly photo: PhotoSize[] | undefined;
  readonly isSticker: boolean;
  readonly sticker: Sticker | undefined;
  readonly isVideo: boolean;
  readonly video: Video | undefined;
  readonly isVoice: boolean;
  readonly voice: Voice | undefined;
  readonly isVideoNote: boolean;
  readonly videoNote: VideoNote | undefined;
  readonly isContact: boolean;
  readonly contact: Contact | undefined;
  readonly isLocation: boolean;
  readonly location: Location | undefined;
  readonly isVenue: boolean;
  readonly venue: Venue | undefined;
  readonly isEditedMessage: boolean;
  readonly editedMessage: Message | undefined;
  readonly isChannelPost: boolean;
  readonly channelPost: Message | undefined;
  readonly isEditedChannelPost: boolean;
  readonly editedChannelPost: Message | undefined;
  readonly isInlineQuery: boolean;
  readonly inlineQuery: InlineQuery | undefined;
  readonly isChosenInlineResult: boolean;
  readonly chosenInlineResult: ChosenInlineResult | undefined;
  readonly isCallbackQuery: boolean;
  readonly callbackQuery: CallbackQuery | undefined;
  /** A callback query (an inline keyboard button was pressed) is Bottender's payload event. */
  readonly isPayload: boolean;
  /** The pressed button's `callback_data`; undefined for other events and for game buttons. */
  readonly payload: string | undefined;
  readonly isShippingQuery: boolean;
  readonly shippingQuery: ShippingQuery | undefined;
  readonly isPreCheckoutQuery: boolean;
  readonly preCheckoutQuery: PreCheckoutQuery | undefined;
  /** A `poll` update: a poll's new state (it belongs to no chat, so to no session). */
  readonly isPoll: boolean;
  readonly poll: Poll | undefined;
  readonly isPollAnswer: boolean;
  readonly pollAnswer: PollAnswer | undefined;
}

// Telegram's rule: a slash, then 1 to 32 latin letters, digits and underscores.
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

type Getters = { [K in keyof OneXEventGetters]: (this: TelegramEvent) => OneXEventGetters[K] };

const GETTERS: Getters = {
  isMessage() {
    return this.type === 'message';
  },
  message() {
    return oneX(this.get('message'));
  },
  isText() {
    return typeof this.get('message')?.text === 'string';
  },
  text() {
    const text = this.get('message')?.text;
    return typeof text === 'string' ? text : undefined;
  },
  isCommand() {
    return this.command !== undefined;
  },
  command() {
    const text = this.text;
    if (text === undefined || text.charCodeAt(0) !== 47 /* / */) return undefined;
    const match = COMMAND.exec(text);
    if (!match) return undefined;
    const command: TelegramCommand = { name: match[1], payload: (match[3] ?? '').trim() };
    if (match[2] !== undefined) command.botUsername = match[2];
    return command;
  },
  isReplyToMessage() {
    return typeof this.get('message')?.reply_to_message === 'object';
  },
  replyToMessage() {
    return oneX(this.get('message')?.reply_to_message);
  },
  isAudio() {
    return objectOf(this.get('message')?.audio) !== undefined;
  },
  audio() {
    return oneX(objectOf(this.get('message')?.audio));
  },
  isDocument() {
    return objectOf(this.get('message')?.document) !== undefined;
  },
  document() {
    return oneX(objectOf(this.get('message')?.document));
  },
  isGame() {
    return objectOf(this.get('message')?.game) !== undefined;
  },
  game() {
    return oneX(objectOf(this.get('message')?.game));
  },
  isPhoto() {
    return photoOf(this.get('message')) !== undefined;
  },
  photo() {
    return oneX(photoOf(this.get('message')));
  },
  isSticker() {
    return objectOf(this.get('message')?.sticker) !== undefined;
  },
  sticker() {
    return oneX(objectOf(this.get('message')?.sticker));
  },
  isVideo() {
    return objectOf(this.get('message')?.video) !== undefined;
  },
  video() {
    return oneX(objectOf(this.get('message')?.video));
  },
  isVoice() {
    return objectOf(this.get('message')?.voice) !== undefined;
  },
  voice() {
    return oneX(objectOf(this.get('message')?.voice));
  },
  isVideoNote() {
    return objectOf(this.get('message')?.video_note) !== undefined;
  },
  videoNote() {
    return oneX(objectOf(this.get('message')?.video_note));
  },
  isContact() {
    return objectOf(this.get('message')?.contact) !== undefined;
  },
  contact() {
    return oneX(objectOf(this.get('message')?.contact));
  },
  isLocation() {
    return objectOf(this.get('message')?.location) !== undefined;
  },
  location() {
    return oneX(objectOf(this.get('message')?.location));
  },
  isVenue() {
    return objectOf(this.get('message')?.venue) !== undefined;
  },
  venue() {
    return oneX(objectOf(this.get('message')?.venue));
  },
  isEditedMessage() {
    return this.type === 'edited_message';
  },
  editedMessage() {
    return oneX(this.get('edited_message'));
  },
  isChannelPost() {
    return this.type === 'channel_post';
  },
  channelPost() {
    return oneX(this.get('channel_post'));
  },
  isEditedChannelPost() {
    return this.type === 'edited_channel_post';
  },
  editedChannelPost() {
    return oneX(this.get('edited_channel_post'));
  },
  isInlineQuery() {
    return this.type === 'inline_query';
  },
  inlineQuery() {
    return oneX(this.get('inline_query'));
  },
  isChosenInlineResult() {
    return this.type === 'chosen_inline_result';
  },
  chosenInlineResult() {
    return oneX(this.get('chosen_inline_result'));
  },
  isCallbackQuery() {
    return this.type === 'callback_query';
  },
  callbackQuery() {
    return oneX(this.get('callback_query'));
  },
  isPayload() {
    return this.type === 'callback_query';
  },
  payload() {
    const data = this.get('callback_query')?.data;
    return typeof data === 'string' ? data : undefined;
  },
  isShippingQuery() {
    return this.type === 'shipping_query';
  },
  shippingQuery() {
    return oneX(this.get('shipping_query'));
  },
  isPreCheckoutQuery() {
    return this.type === 'pre_checkout_query';
  },
  preCheckoutQuery() {
    return oneX(this.get('pre_checkout_query'));
  },
  isPoll() {
    return this.type === 'poll';
  },
  poll() {
    return oneX(this.get('poll'));
  },
  isPollAnswer() {
    return this.type === 'poll_answer';
  },
  pollAnswer() {
    return oneX(this.get('poll_answer'));
  },
};

/**
 * Adds {@link OneXEventGetters} to the event class's prototype as getters, as a class's own
 * `get` accessors would be (non-enumerable, configurable, no setter).
 */
export function installOneXEventGetters(target: { prototype: object }): void {
  for (const [name, get] of Object.entries(GETTERS)) {
    Object.defineProperty(target.prototype, name, { configurable: true, enumerable: false, get });
  }
}

/** `value` with 1.x's camelCase names added to it and to the objects inside it (see `rawEvent`). */
function oneX<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : addCamelCaseAliases(value);
}

function photoOf(message: Message | undefined): PhotoSize[] | undefined {
  const photo = message?.photo;
  return Array.isArray(photo) && photo.length > 0 ? photo : undefined;
}

function objectOf<T>(value: T | undefined): T | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}
