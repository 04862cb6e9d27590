import type {
  BanChatMemberParams,
  ChatPermissions,
  EditMessageLiveLocationParams,
  GameHighScore,
  PinChatMessageParams,
  PromoteChatMemberParams,
  RestrictChatMemberParams,
  SetGameScoreParams,
  StopMessageLiveLocationParams,
  UnbanChatMemberParams,
} from 'node-telegram-bot-api';

import type { ApiMethod, ParamsOf } from './api-client';
import { requireId, requireObject, requireString } from './checks';
import { type CallQueue, chatTarget, clientOf, queueCall } from './internal';
import { opts } from './options-arg';
import { snakeCaseKeys } from './snake-case';

type Rest<P, K extends keyof P = never> = Omit<P, 'chat_id' | K> | null;

/**
 * The group and message-management methods of Bottender 1.x's TelegramContext, on the update's
 * chat. Each queues one Bot API call made after the commit (and not at all if the handler
 * throws), except `getGameHighScores`, a read made at once.
 */
export interface ChatMethods {
  /** Bans a user from the chat (Telegram's `banChatMember`; 1.x called it `kickChatMember`). */
  banChatMember(userId: number, options?: Rest<BanChatMemberParams, 'user_id'>): Promise<void>;
  /** Bottender 1.x's name of {@link banChatMember}. */
  kickChatMember(userId: number, options?: Rest<BanChatMemberParams, 'user_id'>): Promise<void>;
  unbanChatMember(userId: number, options?: Rest<UnbanChatMemberParams, 'user_id'>): Promise<void>;
  restrictChatMember(userId: number, permissions: ChatPermissions, options?: Rest<RestrictChatMemberParams, 'user_id' | 'permissions'>): Promise<void>;
  promoteChatMember(userId: number, options?: Rest<PromoteChatMemberParams, 'user_id'>): Promise<void>;
  setChatTitle(title: string): Promise<void>;
  setChatDescription(description: string): Promise<void>;
  setChatStickerSet(stickerSetName: string): Promise<void>;
  deleteChatStickerSet(): Promise<void>;
  deleteChatPhoto(): Promise<void>;
  pinChatMessage(messageId: number, options?: Rest<PinChatMessageParams, 'message_id'>): Promise<void>;
  /** Unpins one message, or the most recent pinned one without an id. */
  unpinChatMessage(messageId?: number): Promise<void>;
  /** The bot leaves the chat, after the queued messages are sent. */
  leaveChat(): Promise<void>;
  editMessageLiveLocation(
    messageId: number,
    location: { latitude: number; longitude: number },
    options?: Rest<EditMessageLiveLocationParams, 'message_id' | 'latitude' | 'longitude'>,
  ): Promise<void>;
  stopMessageLiveLocation(messageId: number, options?: Rest<StopMessageLiveLocationParams, 'message_id'>): Promise<void>;
  /** Sets a user's score in the game message `options.message_id` of this chat. */
  setGameScore(userId: number, score: number, options?: Omit<SetGameScoreParams, 'user_id' | 'score'> | null): Promise<void>;
  /** The high scores of a game message of this chat, asked of Telegram now. */
  getGameHighScores(userId: number, options?: { message_id?: number; inline_message_id?: string } | null): Promise<GameHighScore[]>;
}

type Queue = CallQueue & Record<string, unknown>;

/**
 * How one group method turns its arguments (those after the chat) into Bot API parameters, shared
 * by the context's `banChatMember(userId, options)` and 1.x's client
 * `kickChatMember(chatId, userId, options)`, so both check arguments the same way.
 */
export interface ChatSpec {
  apiMethod: ApiMethod;
  /** Where the options argument is among the arguments after the chat; absent: no options. */
  optionsAt?: number;
  /** The checked parameters besides the chat and the options; `method` names the caller in errors. */
  params(method: string, args: readonly unknown[]): Record<string, unknown>;
}

const userAndOptions = (apiMethod: ApiMethod): ChatSpec => ({
  apiMethod,
  optionsAt: 1,
  params: (method, [userId]) => ({ user_id: requireId(userId, method, 'the user id') }),
});
const chatOnly = (apiMethod: ApiMethod): ChatSpec => ({ apiMethod, params: () => ({}) });

/** The group methods' parameters, by method name (1.x's context and client use the same names). */
export const CHAT_SPECS: Readonly<Record<string, ChatSpec>> = {
  banChatMember: userAndOptions('banChatMember'),
  // Telegram renamed kickChatMember; the old name is 1.x's.
  kickChatMember: userAndOptions('banChatMember'),
  unbanChatMember: userAndOptions('unbanChatMember'),
  restrictChatMember: {
    apiMethod: 'restrictChatMember',
    optionsAt: 2,
    params: (method, [userId, permissions]) => ({
      user_id: requireId(userId, method, 'the user id'),
      permissions: snakeCaseKeys(requireObject(permissions, method, 'the permissions')),
    }),
  },
  promoteChatMember: userAndOptions('promoteChatMember'),
  setChatTitle: { apiMethod: 'setChatTitle', params: (method, [title]) => ({ title: requireString(title, method, 'the title') }) },
  setChatDescription: {
    apiMethod: 'setChatDescription',
    // An empty description removes it.
    params: (method, [description]) => ({ description: typeof description === 'string' ? description : requireString(description, method, 'the description') }),
  },
  setChatStickerSet: {
    apiMethod: 'setChatStickerSet',
    params: (method, [name]) => ({ sticker_set_name: requireString(name, method, 'the sticker set name') }),
  },
  deleteChatStickerSet: chatOnly('deleteChatStickerSet'),
  deleteChatPhoto: chatOnly('deleteChatPhoto'),
  pinChatMessage: {
    apiMethod: 'pinChatMessage',
    optionsAt: 1,
    params: (method, [messageId]) => ({ message_id: requireId(messageId, method, 'the message id') }),
  },
  unpinChatMessage: {
    apiMethod: 'unpinChatMessage',
    params: (method, [messageId]) => (messageId === undefined ? {} : { message_id: requireId(messageId, method, 'the message id') }),
  },
  leaveChat: chatOnly('leaveChat'),
};

function queueChat(context: Queue, method: string, apiMethod: ApiMethod, params: Record<string, unknown>, options?: unknown): void {
  const { chat_id } = context[chatTarget](method);
  context[queueCall](method, apiMethod, { chat_id, ...params, ...opts(options, method) } as ParamsOf<ApiMethod>);
}

const METHODS: Record<string, (this: Queue, ...args: any[]) => Promise<unknown>> = {
  async editMessageLiveLocation(messageId: unknown, location: unknown, options?: unknown) {
    const message_id = requireId(messageId, 'editMessageLiveLocation', 'the message id');
    const { latitude, longitude } = requireObject(location, 'editMessageLiveLocation', 'the location ({ latitude, longitude })');
    queueChat(this, 'editMessageLiveLocation', 'editMessageLiveLocation', { message_id, latitude, longitude }, options);
  },
  async stopMessageLiveLocation(messageId: unknown, options?: unknown) {
    const message_id = requireId(messageId, 'stopMessageLiveLocation', 'the message id');
    queueChat(this, 'stopMessageLiveLocation', 'stopMessageLiveLocation', { message_id }, options);
  },
  async setGameScore(userId: unknown, score: unknown, options?: unknown) {
    const user_id = requireId(userId, 'setGameScore', 'the user id');
    const checked = requireId(score, 'setGameScore', 'the score');
    queueChat(this, 'setGameScore', 'setGameScore', { user_id, score: checked }, options);
  },
  getGameHighScores(userId: unknown, options?: unknown) {
    const user_id = requireId(userId, 'getGameHighScores', 'the user id');
    const { chat_id } = this[chatTarget]('getGameHighScores');
    return this[clientOf].call('getGameHighScores', { chat_id, user_id, ...opts(options, 'getGameHighScores') });
  },
};

/** Adds {@link ChatMethods} to the context class's prototype. */
export function installChatMethods(target: { prototype: object }): void {
  for (const [name, spec] of Object.entries(CHAT_SPECS)) {
    const value = async function (this: Queue, ...args: unknown[]): Promise<void> {
      const options = spec.optionsAt === undefined ? undefined : args[spec.optionsAt];
      queueChat(this, name, spec.apiMethod, spec.params(name, args), options);
    };
    Object.defineProperty(target.prototype, name, { configurable: true, writable: true, value });
  }
  for (const [name, value] of Object.entries(METHODS)) {
    Object.defineProperty(target.prototype, name, { configurable: true, writable: true, value });
  }
}
