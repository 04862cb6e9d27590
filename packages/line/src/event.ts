import type { webhook } from '@line/bot-sdk';
import type { BotEvent } from 'bottender/connector';

/** One webhook event exactly as LINE sent it (the SDK's union; new types may appear at runtime). */
export type LineRawEvent = webhook.Event;
/** Where an event came from: a user, a group chat or a multi-person room. */
export type LineSource = webhook.Source;
/** The `message` of a message event (text, image, video, audio, file, location or sticker). */
export type LineMessageContent = webhook.MessageContent;

type EventOf<T extends string> = Extract<LineRawEvent, { type: T }>;
type ContentOf<T extends string> = Extract<LineMessageContent, { type: T }>;

/**
 * The conversation a LINE source stands for: the group or room for group and room chats (every
 * member shares one state, as in a group conversation), the user for one-to-one chats.
 * Undefined when the source is missing, of an unknown type, or lacks its id.
 */
export function conversationIdOf(source: unknown): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const { type, userId, groupId, roomId } = source as Record<string, unknown>;
  const id = type === 'user' ? userId : type === 'group' ? groupId : type === 'room' ? roomId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * A LINE webhook event as the handler sees it: the raw event plus typed shortcuts, so a handler
 * can ask `event.isFollow` or read `event.postback` without narrowing the SDK's union itself.
 *
 * Every shortcut is a getter over `rawEvent`: building an event costs one small object, and
 * nothing is computed that the handler does not ask for.
 *
 * The getters of Bottender 1.x's LineEvent are all here with the same names and meanings (`image`,
 * `memberJoined`, `datetime`, ...), so 1.x handlers read events unchanged; what is absent is
 * `null`, as 1.x answered (a reply of `clicked ${event.payload}` reads the same). The getters 1.x
 * did not have (`id`, `userId`, `conversationId`, `messageType`, `joinedMembers`, `leftMembers`)
 * answer `undefined`.
 */
export class LineEvent implements BotEvent<LineRawEvent> {
  /**
   * @param rawEvent the event from the webhook body
   * @param destination the bot's user id the webhook was sent to (the body's `destination`)
   */
  constructor(
    readonly rawEvent: LineRawEvent,
    readonly destination: string,
  ) {}

  /** The event type: `message`, `follow`, `postback`, ... */
  get type(): string {
    return this.rawEvent.type;
  }

  /** LINE's id of this event (`webhookEventId`); a redelivery repeats it. */
  get id(): string | undefined {
    const id = this.rawEvent.webhookEventId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  /** Epoch ms at which the event happened. */
  get timestamp(): number {
    return this.rawEvent.timestamp;
  }

  /** True when LINE sends this event again because an earlier delivery was not acknowledged. */
  get isRedelivery(): boolean {
    return this.rawEvent.deliveryContext?.isRedelivery === true;
  }

  /** True when the channel is in standby mode (another module owns the chat): no reply token. */
  get isStandby(): boolean {
    return this.rawEvent.mode === 'standby';
  }

  /** The token to reply with, for event types that carry one; otherwise null (as in Bottender 1.x). */
  get replyToken(): string | null {
    const token = (this.rawEvent as { replyToken?: unknown }).replyToken;
    return typeof token === 'string' && token !== '' ? token : null;
  }

  /** The user, group or room the event came from. */
  get source(): LineSource | null {
    return this.rawEvent.source ?? null;
  }

  /** The user behind the event; in groups and rooms only when that user allowed it. */
  get userId(): string | undefined {
    const userId = (this.rawEvent.source as { userId?: unknown } | undefined)?.userId;
    return typeof userId === 'string' && userId !== '' ? userId : undefined;
  }

  /** The id of the conversation (user, group or room) the event belongs to; see {@link conversationIdOf}. */
  get conversationId(): string | undefined {
    return conversationIdOf(this.rawEvent.source);
  }

  /** A message of any kind; `message` and `messageType` say which. */
  get isMessage(): boolean {
    return this.rawEvent.type === 'message';
  }

  /** The message of a message event, otherwise null. */
  get message(): LineMessageContent | null {
    return this.rawEvent.type === 'message' ? (this.rawEvent as EventOf<'message'>).message : null;
  }

  /** The type of the message of a message event (`text`, `image`, ...), otherwise null. */
  get messageType(): string | undefined {
    return this.message?.type;
  }

  /** A text message: `text` holds it. */
  get isText(): boolean {
    return this.messageType === 'text';
  }

  /** The text of a text message, otherwise null. */
  get text(): string | null {
    const message = this.message;
    return message?.type === 'text' ? message.text : null;
  }

  /** An image: fetch its content with the SDK's blob client, by `message.id`. */
  get isImage(): boolean {
    return this.messageType === 'image';
  }

  /** The image message (`id`, `contentProvider`, `imageSet`), otherwise null. */
  get image(): ContentOf<'image'> | null {
    return this.#content('image');
  }

  /** A video; `message.duration` is in ms. */
  get isVideo(): boolean {
    return this.messageType === 'video';
  }

  /** The video message (`id`, `duration`, `contentProvider`), otherwise null. */
  get video(): ContentOf<'video'> | null {
    return this.#content('video');
  }

  /** A voice or audio message; `message.duration` is in ms. */
  get isAudio(): boolean {
    return this.messageType === 'audio';
  }

  /** The audio message (`id`, `duration`, `contentProvider`), otherwise null. */
  get audio(): ContentOf<'audio'> | null {
    return this.#content('audio');
  }

  /** A file; `message.fileName` and `message.fileSize`. */
  get isFile(): boolean {
    return this.messageType === 'file';
  }

  /** The file message (`id`, `fileName`, `fileSize`), otherwise null. */
  get file(): ContentOf<'file'> | null {
    return this.#content('file');
  }

  /** A shared location; `message.latitude`, `message.longitude`, `message.address`. */
  get isLocation(): boolean {
    return this.messageType === 'location';
  }

  /** The location message (`title`, `address`, `latitude`, `longitude`), otherwise null. */
  get location(): ContentOf<'location'> | null {
    return this.#content('location');
  }

  /** A sticker; `message.packageId`, `message.stickerId`, `message.keywords`. */
  get isSticker(): boolean {
    return this.messageType === 'sticker';
  }

  /** The sticker message (`packageId`, `stickerId`, `keywords`), otherwise null. */
  get sticker(): ContentOf<'sticker'> | null {
    return this.#content('sticker');
  }

  /** The user added the bot as a friend (or unblocked it). */
  get isFollow(): boolean {
    return this.rawEvent.type === 'follow';
  }

  /**
   * Who followed (`type`, `userId`: the source, which is what 1.x gave here) and whether it was an
   * unblock (`isUnblocked`, LINE's later `follow` object), in one object so both kinds of handler
   * read what they expect. Undefined for other events.
   */
  get follow(): (webhook.FollowDetail & Partial<webhook.UserSource>) | null {
    if (this.rawEvent.type !== 'follow') return null;
    // LINE sends follow events from users only, so the source is a user source.
    return { ...this.rawEvent.source, ...(this.rawEvent as EventOf<'follow'>).follow } as webhook.FollowDetail &
      Partial<webhook.UserSource>;
  }

  /** The user blocked the bot. No reply token. */
  get isUnfollow(): boolean {
    return this.rawEvent.type === 'unfollow';
  }

  /** The source of an unfollow event (who blocked the bot), as in 1.x; otherwise null. */
  get unfollow(): LineSource | null {
    return this.rawEvent.type === 'unfollow' ? (this.rawEvent.source ?? null) : null;
  }

  /** The bot joined a group or room. */
  get isJoin(): boolean {
    return this.rawEvent.type === 'join';
  }

  /** The source of a join event (the group or room joined), as in 1.x; otherwise null. */
  get join(): LineSource | null {
    return this.rawEvent.type === 'join' ? (this.rawEvent.source ?? null) : null;
  }

  /** The bot was removed from a group or room. No reply token. */
  get isLeave(): boolean {
    return this.rawEvent.type === 'leave';
  }

  /** The source of a leave event (the group or room left), as in 1.x; otherwise null. */
  get leave(): LineSource | null {
    return this.rawEvent.type === 'leave' ? (this.rawEvent.source ?? null) : null;
  }

  /** Users joined a group or room the bot is in; see `joinedMembers`. */
  get isMemberJoined(): boolean {
    return this.rawEvent.type === 'memberJoined';
  }

  /** `{ members }` of a memberJoined event, as in 1.x; `joinedMembers` is the list itself. */
  get memberJoined(): webhook.JoinedMembers | null {
    return this.rawEvent.type === 'memberJoined' ? (this.rawEvent as EventOf<'memberJoined'>).joined : null;
  }

  /** The users who joined, for a memberJoined event. */
  get joinedMembers(): webhook.UserSource[] | undefined {
    return this.memberJoined?.members;
  }

  /** Users left the group or room. No reply token. */
  get isMemberLeft(): boolean {
    return this.rawEvent.type === 'memberLeft';
  }

  /** `{ members }` of a memberLeft event, as in 1.x; `leftMembers` is the list itself. */
  get memberLeft(): webhook.LeftMembers | null {
    return this.rawEvent.type === 'memberLeft' ? (this.rawEvent as EventOf<'memberLeft'>).left : null;
  }

  /** The users who left, for a memberLeft event. */
  get leftMembers(): webhook.UserSource[] | undefined {
    return this.memberLeft?.members;
  }

  /** A postback action (button, rich menu, picker); see `postback`. */
  get isPostback(): boolean {
    return this.rawEvent.type === 'postback';
  }

  /** `{ data, params? }` of a postback (params holds date/time picker and rich menu switch results). */
  get postback(): webhook.PostbackContent | null {
    return this.rawEvent.type === 'postback' ? (this.rawEvent as EventOf<'postback'>).postback : null;
  }

  /** A postback is Bottender's payload event, so `payload(...)` routes match it. */
  get isPayload(): boolean {
    return this.rawEvent.type === 'postback';
  }

  /** The postback's `data`, otherwise null. */
  get payload(): string | null {
    return this.postback?.data ?? null;
  }

  /** The date a date picker returned (`2024-05-01`), otherwise null. */
  get date(): string | null {
    return this.postback?.params?.date ?? null;
  }

  /** The time a time picker returned (`10:00`), otherwise null. */
  get time(): string | null {
    return this.postback?.params?.time ?? null;
  }

  /** The date and time a datetime picker returned (`2024-05-01T10:00`), otherwise null. */
  get datetime(): string | null {
    return this.postback?.params?.datetime ?? null;
  }

  /** The user came near a LINE Beacon; see `beacon`. */
  get isBeacon(): boolean {
    return this.rawEvent.type === 'beacon';
  }

  /** `{ hwid, type, dm? }` of a beacon event. */
  get beacon(): webhook.BeaconContent | null {
    return this.rawEvent.type === 'beacon' ? (this.rawEvent as EventOf<'beacon'>).beacon : null;
  }

  /** The user linked (or failed to link) their LINE account with yours; see `accountLink`. */
  get isAccountLink(): boolean {
    return this.rawEvent.type === 'accountLink';
  }

  /** `{ result, nonce }` of an account link event. */
  get accountLink(): webhook.LinkContent | null {
    return this.rawEvent.type === 'accountLink' ? (this.rawEvent as EventOf<'accountLink'>).link : null;
  }

  /** The user unsent a message. No reply token. */
  get isUnsend(): boolean {
    return this.rawEvent.type === 'unsend';
  }

  /** `{ messageId }` of the unsent message. */
  get unsend(): webhook.UnsendDetail | null {
    return this.rawEvent.type === 'unsend' ? (this.rawEvent as EventOf<'unsend'>).unsend : null;
  }

  /** The user watched a video with a tracking id to the end; see `videoPlayComplete`. */
  get isVideoPlayComplete(): boolean {
    return this.rawEvent.type === 'videoPlayComplete';
  }

  /** `{ trackingId }` of the video the user watched to the end. */
  get videoPlayComplete(): webhook.VideoPlayComplete | null {
    return this.rawEvent.type === 'videoPlayComplete'
      ? (this.rawEvent as EventOf<'videoPlayComplete'>).videoPlayComplete
      : null;
  }

  #content<T extends LineMessageContent['type']>(type: T): ContentOf<T> | null {
    const message = this.message;
    return message?.type === type ? (message as ContentOf<T>) : null;
  }
}
