import { addCamelCaseAliases, oneXCamelCase } from 'bottender/connector';

import type { SlackInputKind } from './raw-types';

/**
 * Bottender 1.x's names on what Slack sent, so 1.x handlers' reads run unchanged.
 *
 * 1.x camel-cased the whole request body before a handler saw it, and its `rawEvent` was, per
 * input: the callback's `event` for the Events API (`rawEvent.subtype`, `rawEvent.threadTs`), the
 * parsed interactivity `payload` (`rawEvent.view.id`, `rawEvent.actions[0].actionId`), and a slash
 * command's fields (`rawEvent.channelId`, `rawEvent.responseUrl`). Here `rawEvent` is Slack's own
 * input, snake_case, and for the Events API the whole callback (`event_id`, `authorizations`, the
 * event under `event`). The 1.x names are added next to Slack's as non-enumerable getters (see
 * `addCamelCaseAliases` in `bottender/connector`), so JSON, `Object.keys` and spreads still give
 * exactly what Slack sent.
 */
export function addOneXNames(kind: SlackInputKind, raw: unknown): void {
  if (kind !== 'event') {
    addCamelCaseAliases(raw);
    return;
  }
  if (!isPlainObject(raw) || !isPlainObject(raw.event)) return;
  const envelope = raw;
  const event = raw.event;
  addCamelCaseAliases(event);
  if (!Object.isExtensible(envelope)) return;
  // 1.x's rawEvent was the event: its fields are reachable from the callback under 1.x's names
  // (`rawEvent.subtype`, `rawEvent.channelType`). A field the callback has itself keeps the
  // callback's value: `rawEvent.type` stays `event_callback`, as Slack sent it (1.x's `type` is
  // `context.event.type`, or `rawEvent.event.type`). Names Object.prototype has are never added,
  // so a payload cannot shadow `toString` or `hasOwnProperty`.
  for (const key of Object.keys(event)) {
    const name = oneXCamelCase(key);
    if (name === '' || name in Object.prototype || Object.prototype.hasOwnProperty.call(envelope, name)) continue;
    Object.defineProperty(envelope, name, {
      get: () => event[key],
      set: (next: unknown) => {
        event[key] = next;
      },
      enumerable: false,
      configurable: true,
    });
  }
}

/**
 * A Slack answer with Bottender 1.x's names added: 1.x's client camel-cased every answer
 * (`scheduledMessageId`, `message.botId`); here both names read the same value and JSON stays
 * Slack's.
 */
export function withOneXNames<T>(answer: T): OneXNamed<T> {
  return addCamelCaseAliases(answer) as OneXNamed<T>;
}

/** `scheduled_message_id` → `scheduledMessageId`, as 1.x named it (`image_72` → `image72`). */
type CamelCased<Key extends string> = Key extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCased<Tail>>}` : Key;

/**
 * `T` with each key's 1.x camelCase name next to Slack's own, at every depth: the type of what
 * {@link withOneXNames} gives.
 */
export type OneXNamed<T> = T extends readonly (infer Item)[]
  ? OneXNamed<Item>[]
  : T extends object
    ? { [K in keyof T]: OneXNamed<T[K]> } & { readonly [K in keyof T as K extends string ? CamelCased<K> : never]: OneXNamed<T[K]> }
    : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
