import type { messagingApi } from '@line/bot-sdk';

import { describe, requireArray, requireHttpsUrl, requireNumber, requireObject, requireString } from './checks';
import { type LineMessageOptions, type LineTextOptions, readOptions, withOptions } from './message-options';
import type { LineMessage } from './reply-client';
import { buttonsTemplate, carouselTemplate, confirmTemplate, imageCarouselTemplate, template } from './templates';

export type { LineMessageOptions, LineTextOptions } from './message-options';
export type { LineButtonsTemplate, LineCarouselOptions, LineConfirmTemplate } from './templates';

/**
 * Message objects built from the arguments of the context's methods, in the argument shapes of
 * Bottender 1.x (`replyText(text, options)`, `replyImage({ originalContentUrl, previewImageUrl })`,
 * `replyCarouselTemplate(altText, columns, options)`, ...), so a 1.x handler's calls produce the
 * message objects they produced there.
 *
 * Each builder checks what LINE would refuse and throws a TypeError naming the method and the
 * argument; the context calls them while the handler runs, so the handler's author sees the error
 * at the call. Options are read by name (`quickReply`, `sender`, and for text `emojis` and
 * `quoteToken`); other keys are ignored rather than sent to LINE.
 */

/** An image. Without `previewImageUrl` the original is also the preview, as in 1.x. */
export interface LineImage {
  originalContentUrl: string;
  previewImageUrl?: string;
}

/** A video; `trackingId` makes LINE send a videoPlayComplete event when it is watched to the end. */
export interface LineVideo {
  originalContentUrl: string;
  previewImageUrl: string;
  trackingId?: string;
}

/** An audio file (m4a); `duration` in milliseconds. */
export interface LineAudio {
  originalContentUrl: string;
  duration: number;
}

export interface LineLocation {
  title: string;
  address: string;
  latitude: number;
  longitude: number;
}

/** Ids from LINE's list of stickers bots may send. */
export interface LineSticker {
  packageId: string;
  stickerId: string;
}

/** An imagemap without its `type` and `altText` (the alt text is its own argument). */
export type LineImagemap = Pick<messagingApi.ImagemapMessage, 'baseUrl' | 'baseSize' | 'actions' | 'video'>;

/** LINE's limit on the length of a text message, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 5000;

function text(method: string, text: string, options?: LineTextOptions | null): messagingApi.TextMessage {
  if (typeof text !== 'string' || text === '') {
    throw new TypeError(`context.${method}() needs a non-empty string, got ${describe(text)}`);
  }
  if (text.length > MAX_TEXT_LENGTH) {
    throw new RangeError(
      `context.${method}() got ${text.length} characters; a LINE text message holds at most ${MAX_TEXT_LENGTH}`,
    );
  }
  const message: messagingApi.TextMessage = { type: 'text', text };
  const opts = readOptions(method, options);
  if (opts.emojis !== undefined) message.emojis = requireArray(opts.emojis, method, 'options.emojis') as messagingApi.Emoji[];
  if (opts.quoteToken !== undefined) message.quoteToken = requireString(opts.quoteToken, method, 'options.quoteToken');
  return withOptions(message, method, opts);
}

function image(method: string, image: LineImage, options?: LineMessageOptions | null): messagingApi.ImageMessage {
  requireObject(image, method, 'the image ({ originalContentUrl, previewImageUrl })');
  const originalContentUrl = requireHttpsUrl(image.originalContentUrl, method, 'originalContentUrl');
  const previewImageUrl =
    image.previewImageUrl === undefined
      ? originalContentUrl
      : requireHttpsUrl(image.previewImageUrl, method, 'previewImageUrl');
  return withOptions({ type: 'image', originalContentUrl, previewImageUrl }, method, readOptions(method, options));
}

function video(method: string, video: LineVideo, options?: LineMessageOptions | null): messagingApi.VideoMessage {
  requireObject(video, method, 'the video ({ originalContentUrl, previewImageUrl })');
  const message: messagingApi.VideoMessage = {
    type: 'video',
    originalContentUrl: requireHttpsUrl(video.originalContentUrl, method, 'originalContentUrl'),
    previewImageUrl: requireHttpsUrl(video.previewImageUrl, method, 'previewImageUrl'),
  };
  if (video.trackingId !== undefined) message.trackingId = requireString(video.trackingId, method, 'trackingId');
  return withOptions(message, method, readOptions(method, options));
}

function audio(method: string, audio: LineAudio, options?: LineMessageOptions | null): messagingApi.AudioMessage {
  requireObject(audio, method, 'the audio ({ originalContentUrl, duration })');
  const duration = requireNumber(audio.duration, method, 'duration (milliseconds)');
  if (duration <= 0) throw new RangeError(`context.${method}() needs duration as a positive number of milliseconds`);
  const originalContentUrl = requireHttpsUrl(audio.originalContentUrl, method, 'originalContentUrl');
  return withOptions({ type: 'audio', originalContentUrl, duration }, method, readOptions(method, options));
}

function location(method: string, location: LineLocation, options?: LineMessageOptions | null): messagingApi.LocationMessage {
  requireObject(location, method, 'the location ({ title, address, latitude, longitude })');
  const message: messagingApi.LocationMessage = {
    type: 'location',
    title: requireString(location.title, method, 'title'),
    address: requireString(location.address, method, 'address'),
    latitude: requireNumber(location.latitude, method, 'latitude'),
    longitude: requireNumber(location.longitude, method, 'longitude'),
  };
  return withOptions(message, method, readOptions(method, options));
}

function sticker(method: string, sticker: LineSticker, options?: LineMessageOptions | null): messagingApi.StickerMessage {
  requireObject(sticker, method, 'the sticker ({ packageId, stickerId })');
  const message: messagingApi.StickerMessage = {
    type: 'sticker',
    packageId: requireString(sticker.packageId, method, 'packageId'),
    stickerId: requireString(sticker.stickerId, method, 'stickerId'),
  };
  return withOptions(message, method, readOptions(method, options));
}

function imagemap(
  method: string,
  altText: string,
  imagemap: LineImagemap,
  options?: LineMessageOptions | null,
): messagingApi.ImagemapMessage {
  requireString(altText, method, 'altText');
  requireObject(imagemap, method, 'the imagemap ({ baseUrl, baseSize, actions })');
  const baseSize = requireObject(imagemap.baseSize, method, 'baseSize ({ width, height })');
  const message: messagingApi.ImagemapMessage = {
    type: 'imagemap',
    baseUrl: requireHttpsUrl(imagemap.baseUrl, method, 'baseUrl'),
    altText,
    baseSize: {
      width: requireNumber(baseSize.width, method, 'baseSize.width'),
      height: requireNumber(baseSize.height, method, 'baseSize.height'),
    },
    actions: requireArray(imagemap.actions, method, 'actions') as messagingApi.ImagemapAction[],
  };
  if (imagemap.video !== undefined) message.video = requireObject(imagemap.video, method, 'video') as messagingApi.ImagemapVideo;
  return withOptions(message, method, readOptions(method, options));
}

function flex(
  method: string,
  altText: string,
  contents: messagingApi.FlexContainer,
  options?: LineMessageOptions | null,
): messagingApi.FlexMessage {
  requireString(altText, method, 'altText');
  const type = (contents as { type?: unknown } | null)?.type;
  if (type !== 'bubble' && type !== 'carousel') {
    throw new TypeError(`context.${method}() needs contents of type "bubble" or "carousel"`);
  }
  return withOptions({ type: 'flex', altText, contents }, method, readOptions(method, options));
}

/**
 * Every kind of message the context sends by name, keyed by the suffix of its methods:
 * `Text` gives `replyText`, `pushText` and `sendText`, with the same arguments.
 */
export const messageKinds = {
  /** A text message of at most 5000 characters: `(text, { quickReply, sender, emojis, quoteToken })`. */
  Text: text,
  /** An image: `({ originalContentUrl, previewImageUrl? }, options)`, HTTPS URLs. */
  Image: image,
  /** A video: `({ originalContentUrl, previewImageUrl, trackingId? }, options)`, HTTPS URLs. */
  Video: video,
  /** An audio message: `({ originalContentUrl, duration }, options)`, duration in ms. */
  Audio: audio,
  /** A location: `({ title, address, latitude, longitude }, options)`. */
  Location: location,
  /** A sticker: `({ packageId, stickerId }, options)`. */
  Sticker: sticker,
  /** An imagemap: `(altText, { baseUrl, baseSize, actions, video? }, options)`. */
  Imagemap: imagemap,
  /** A Flex Message: `(altText, bubbleOrCarousel, options)`. */
  Flex: flex,
  /** A template message of any template type: `(altText, template, options)`. */
  Template: template,
  /** A buttons template: `(altText, { text, actions, title?, thumbnailImageUrl?, ... }, options)`. */
  ButtonsTemplate: buttonsTemplate,
  /** 1.x's older name of `ButtonsTemplate` (deprecated there, kept so old handlers run). */
  ButtonTemplate: buttonsTemplate,
  /** A confirm template: `(altText, { text, actions }, options)`. */
  ConfirmTemplate: confirmTemplate,
  /** A carousel template: `(altText, columns, { imageAspectRatio, imageSize, quickReply, sender })`. */
  CarouselTemplate: carouselTemplate,
  /** An image carousel template: `(altText, columns, options)`. */
  ImageCarouselTemplate: imageCarouselTemplate,
};

/** The kinds of {@link messageKinds}: `Text`, `Image`, ... */
export type MessageKind = keyof typeof messageKinds;

/** The arguments of a kind's methods (without the method name the builders take first). */
export type MessageArgs<K extends MessageKind> = (typeof messageKinds)[K] extends (method: string, ...args: infer A) => unknown
  ? A
  : never;

/** Checks a list of ready message objects (`reply`, `push`, `send`): one or an array. */
export function messageList(method: string, messages: LineMessage | readonly LineMessage[]): readonly LineMessage[] {
  const list: readonly LineMessage[] = Array.isArray(messages) ? messages : [messages as LineMessage];
  for (const message of list) {
    if (typeof (message as { type?: unknown } | null)?.type !== 'string') {
      throw new TypeError(`context.${method}() needs LINE message objects, each with a string "type"`);
    }
  }
  return list;
}
