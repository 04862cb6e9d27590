import type {
  InputPollOption,
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
  SendPollParams,
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
 * The sending methods of Bottender 1.x's TelegramContext besides `sendText`, each queuing one
 * Bot API call to the update's chat (and topic), made after the commit. Files are a `file_id`, an
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
  /** A poll; the answers as strings (as in 1.x) or as the Bot API's `{ text }` objects. */
  sendPoll(question: string, answers: readonly (string | InputPollOption)[], options?: Rest<SendPollParams, 'question' | 'options'>): Promise<void>;
  sendDice(options?: Rest<SendDiceParams>): Promise<void>;
  /** An invoice: `{ title, description, payload, currency, prices, ... }`. */
  sendInvoice(
    product: Pick<SendInvoiceParams, 'title' | 'description' | 'payload' | 'currency' | 'prices'> & Partial<SendInvoiceParams>,
    options?: Rest<SendInvoiceParams, 'title' | 'description' | 'payload' | 'currency' | 'prices'>,
  ): Promise<void>;
  sendGame(gameShortName: string, options?: Rest<SendGameParams, 'game_short_name'>): Promise<void>;
}

/** Methods that send one file: the context method, the Bot API method, the file's parameter. */
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

type Queue = CallQueue & Record<string, unknown>;

function queueTo(context: Queue, method: string, apiMethod: ApiMethod, params: Record<string, unknown>, options: unknown): void {
  context[queueCall](method, apiMethod, { ...context[chatTarget](method), ...params, ...opts(options, method) } as ParamsOf<ApiMethod>);
}

const OTHER_METHODS: Record<string, (this: Queue, ...args: any[]) => Promise<void>> = {
  async sendMediaGroup(media: unknown, options?: unknown) {
    const items = requireArray(media, 'sendMediaGroup', 'the media (2 to 10 InputMedia objects)');
    queueTo(this, 'sendMediaGroup', 'sendMediaGroup', { media: snakeCaseKeys(items) }, options);
  },
  async sendLocation(location: unknown, options?: unknown) {
    const { latitude, longitude } = requireObject(location, 'sendLocation', 'the location ({ latitude, longitude })');
    queueTo(this, 'sendLocation', 'sendLocation', { latitude, longitude }, options);
  },
  async sendVenue(venue: unknown, options?: unknown) {
    requireObject(venue, 'sendVenue', 'the venue ({ latitude, longitude, title, address })');
    queueTo(this, 'sendVenue', 'sendVenue', snakeCaseKeys(venue as Record<string, unknown>), options);
  },
  async sendContact(contact: unknown, options?: unknown) {
    requireObject(contact, 'sendContact', 'the contact ({ phone_number, first_name })');
    queueTo(this, 'sendContact', 'sendContact', snakeCaseKeys(contact as Record<string, unknown>), options);
  },
  async sendPoll(question: unknown, answers: unknown, options?: unknown) {
    requireString(question, 'sendPoll', 'the question');
    const list = requireArray(answers, 'sendPoll', 'the answers').map((answer) =>
      typeof answer === 'string' ? { text: answer } : snakeCaseKeys(requireObject(answer, 'sendPoll', 'each answer')),
    );
    queueTo(this, 'sendPoll', 'sendPoll', { question, options: list }, options);
  },
  async sendDice(options?: unknown) {
    queueTo(this, 'sendDice', 'sendDice', {}, options);
  },
  async sendInvoice(product: unknown, options?: unknown) {
    requireObject(product, 'sendInvoice', 'the product ({ title, description, payload, currency, prices })');
    queueTo(this, 'sendInvoice', 'sendInvoice', snakeCaseKeys(product as Record<string, unknown>), options);
  },
  async sendGame(gameShortName: unknown, options?: unknown) {
    const game_short_name = requireString(gameShortName, 'sendGame', 'the game short name');
    queueTo(this, 'sendGame', 'sendGame', { game_short_name }, options);
  },
};

/** Adds {@link SendMethods} to the context class's prototype. */
export function installSendMethods(target: { prototype: object }): void {
  for (const [name, apiMethod, field] of FILE_METHODS) {
    Object.defineProperty(target.prototype, name, {
      configurable: true,
      writable: true,
      value: async function (this: Queue, file: unknown, options?: unknown): Promise<void> {
        queueTo(this, name, apiMethod, { [field]: requireFile(file, name, `the ${field.replace('_', ' ')}`) }, options);
      },
    });
  }
  for (const [name, value] of Object.entries(OTHER_METHODS)) {
    Object.defineProperty(target.prototype, name, { configurable: true, writable: true, value });
  }
}
