import type { SessionParties } from 'bottender/connector';

import type { TelegramEvent } from './event';

type Chatlike = { id?: unknown; type?: unknown };

/**
 * Who and where an update came from, for Bottender 1.x's `session.user`, `session.group` and
 * `session.channel` (see `TelegramContext.sessionParties` for the rules). Reads the event's
 * getters only, never `rawEvent`, so it adds no camelCase aliases.
 */
export function partiesOf(event: TelegramEvent): SessionParties {
  const parties: { -readonly [K in keyof SessionParties]: SessionParties[K] } = {};
  const user = event.from?.id;
  if (isId(user)) parties.user = user;
  // An anonymous admin's poll answer names the group it voted as (voter_chat), not a chat.
  const chat: Chatlike | undefined = event.chat ?? (event.payloadObject?.voter_chat as Chatlike | undefined);
  if (typeof chat !== 'object' || chat === null) return parties;
  if (chat.type === 'group' || chat.type === 'supergroup') {
    // The old group's upgrade message runs in the supergroup's session: name the supergroup.
    const id = event.migrateToChatId ?? chat.id;
    if (isId(id)) parties.group = id;
  } else if (chat.type === 'channel' && isId(chat.id)) {
    parties.channel = chat.id;
  }
  return parties;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
