import type {
  SendAnimationParams,
  SendAudioParams,
  SendContactParams,
  SendDiceParams,
  SendDocumentParams,
  SendGameParams,
  SendInvoiceParams,
  SendLocationParams,
  SendMediaGroupParams,
  SendPhotoParams,
  SendStickerParams,
  SendVenueParams,
  SendVideoNoteParams,
  SendVideoParams,
  SendVoiceParams,
} from 'node-telegram-bot-api';

import type { ApiMethod, ParamsOf } from './api-client';
import { requireArray, requireFile, requireObject, requireString } from './checks';
import { opts } from './options-arg';
import { type CallQueue, chatTarget, queueCall } from './internal';
import { snakeCaseKeys } from './snake-case';

/** A method's options: its parameters but the chat (and what the method takes as arguments). */
type Rest<P, K extends keyof P = never> = Omit<P, 'chat_id' | K> | null;

/**
 * The sending methods of Bottender 1.x's TelegramContext besides `sendText` and `sendPoll` (which
 * is sent at once: see `TelegramContext.sendPoll`), each queuing one Bot API call to the update's
 * chat (and topic), made after the commit. Files are a `file_id`, an
 * URL, or an SDK `InputFile` to upload; options are the Bot API's parameters, in snake_case or in
 * 1.x's camelCase.
 */
export interface SendMethods {
  sendPhoto(photo: SendPhotoParams['photo'], options?: Rest<SendPhotoParams, 'photo'>): Promise<void>;
  sendAudio(audio: SendAudioParams['audio'], options?: Rest<SendAudioParams, 'audio'>): Promise<void>;
  sendDocument(document: SendDocumentParams['document'], options?: Rest<SendDocumentParams, 'document'>): Promise<void>;
  sendVideo(video: SendVideoParams['video'], options?: Rest<SendVideoParams, 'video'>): Promise<void>;
  sendAnimation(animation: SendAnimationParams['animation'], options?: Rest<SendAnimationParams, 'animation'>): Promise<void>;
  sendVoice(voice: SendVoiceParams['voice'], options?: Rest<SendVoiceParams, 'voice'>): Promise<void>;
  sendVideoNote(videoNote: SendVideoNoteParams['video_note'], options?: Rest<SendVideoNoteParams, 'video_note'>): Promise<void>;
  sendSticker(sticker: SendStickerParams['sticker'], options?: Rest<SendStickerParams, 'sticker'>): Promise<void>;
  /** 2 to 10 photos, videos, documents or audios as an album. */
  sendMediaGroup(media: SendMediaGroupParams['media'], options?: Rest<SendMediaGroupParams, 'media'>): Promise<void>;
  sendLocation(
    location: { latitude: number; longitude: number },
    options?: Rest<SendLocationParams, 'latitude' | 'longitude'>,
  ): Promise<void>;
  /** A venue: `{ latitude, longitude, title, address, ... }`. */
  sendVenue(venue: Omit<SendVenueParams, 'chat_id'>, options?: Rest<SendVenueParams, 'latitude' | 'longitude' | 'title' | 'address'>): Promise<void>;
  /** A contact: `{ phone_number, first_name, ... }` (1.x's `phoneNumber`, `firstName` work too). */
  sendContact(
    contact: Pick<SendContactParams, 'phone_number' | 'first_name'> & Partial<SendContactParams>,
    options?: Rest<SendContactParams, 'phone_number' | 'first_name'>,
  ): Promise<void>;
  sendDice(options?: Rest<SendDiceParams>): Promise<void>;
  /** An invoice: `{ title, description, payload, currency, prices, ... }`. */
  sendInvoice(
    product: Pick<SendInvoiceParams, 'title' | 'description' | 'payload' | 'currency' | 'prices'> & Partial<SendInvoiceParams>,
    options?: Rest<SendInvoiceParams, 'title' | 'description' | 'payload' | 'currency' | 'prices'>,
  ): Promise<void>;
  sendGame(gameShortName: string, options?: Rest<SendGameParams, 'game_short_name'>): Promise<void>;
}

/**
 * How one sending method turns its arguments (those after the chat) into Bot API parameters:
 * the context's `sendPhoto(photo, options)` and 1.x's client `sendPhoto(chatId, photo, options)`
 * share them, so both check and convert arguments the same way.
 */
export interface SendSpec {
  apiMethod: ApiMethod;
  /** Where the options argument is among the arguments after the chat. */
  optionsAt: number;
  /** The checked parameters besides the chat and the options; `method` names the caller in errors. */
  params(method: string, args: readonly unknown[]): Record<string, unknown>;
}

/** Methods that send one file: the method, the Bot API method, the file's parameter. */
const FILE_METHODS = [
  ['sendPhoto', 'sendPhoto', 'photo'],
  ['sendAudio', 'sendAudio', 'audio'],
  ['sendDocument', 'sendDocument', 'document'],
  ['sendVideo', 'sendVideo', 'video'],
  ['sendAnimation', 'sendAnimation', 'animation'],
  ['sendVoice', 'sendVoice', 'voice'],
  ['sendVideoNote', 'sendVideoNote', 'video_note'],
  ['sendSticker', 'sendSticker', 'sticker'],
] as const;

/** The sending methods' parameters, by method name (1.x's context and client use the same names). */
export const SEND_SPECS: Readonly<Record<string, SendSpec>> = {
  ...Object.fromEntries(
    FILE_METHODS.map(([name, apiMethod, field]): [string, SendSpec] => [
      name,
      { apiMethod, optionsAt: 1, params: (method, [file]) => ({ [field]: requireFile(file, method, `the ${field.replace('_', ' ')}`) }) },
    ]),
  ),
  sendMediaGroup: {
    apiMethod: 'sendMediaGroup',
    optionsAt: 1,
    params: (method, [media]) => ({ media: snakeCaseKeys(requireArray(media, method, 'the media (2 to 10 InputMedia objects)')) }),
  },
  sendLocation: {
    apiMethod: 'sendLocation',
    optionsAt: 1,
    params: (method, [location]) => {
      const { latitude, longitude } = requireObject(location, method, 'the location ({ latitude, longitude })');
      return { latitude, longitude };
    },
  },
  sendVenue: {
    apiMethod: 'sendVenue',
    optionsAt: 1,
    params: (method, [venue]) => snakeCaseKeys(requireObject(venue, method, 'the venue ({ latitude, longitude, title, address })')),
  },
  sendContact: {
    apiMethod: 'sendContact',
    optionsAt: 1,
    params: (method, [contact]) => snakeCaseKeys(requireObject(contact, method, 'the contact ({ phone_number, first_name })')),
  },
  sendPoll: {
    apiMethod: 'sendPoll',
    optionsAt: 2,
    params: (method, [question, answers]) => ({
      question: requireString(question, method, 'the question'),
      // Bottender 1.x passed the answers as strings; the Bot API now takes InputPollOption objects.
      options: requireArray(answers, method, 'the answers').map((answer) =>
        typeof answer === 'string' ? { text: answer } : snakeCaseKeys(requireObject(answer, method, 'each answer')),
      ),
    }),
  },
  sendDice: { apiMethod: 'sendDice', optionsAt: 0, params: () => ({}) },
  sendInvoice: {
    apiMethod: 'sendInvoice',
    optionsAt: 1,
    params: (method, [product]) => snakeCaseKeys(requireObject(product, method, 'the product ({ title, description, payload, currency, prices })')),
  },
  sendGame: {
    apiMethod: 'sendGame',
    optionsAt: 1,
    params: (method, [gameShortName]) => ({ game_short_name: requireString(gameShortName, method, 'the game short name') }),
  },
};

type Queue = CallQueue & Record<string, unknown>;

/**
 * Adds {@link SendMethods} to the context class's prototype: each queues its call to the
 * update's chat (and topic). `sendPoll` is not among them: the context sends it at once.
 */
export function installSendMethods(target: { prototype: object }): void {
  for (const [name, spec] of Object.entries(SEND_SPECS)) {
    if (name === 'sendPoll') continue;
    Object.defineProperty(target.prototype, name, {
      configurable: true,
      writable: true,
      value: async function (this: Queue, ...args: unknown[]): Promise<void> {
        const params = spec.params(name, args);
        const target = this[chatTarget](name);
        this[queueCall](name, spec.apiMethod, { ...target, ...params, ...opts(args[spec.optionsAt], name) } as ParamsOf<ApiMethod>);
      },
    });
  }
}
