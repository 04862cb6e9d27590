import type { InlineQueryResult } from 'node-telegram-bot-api';

import { callee, describe, isPlainObject } from './checks';
import { snakeCaseKeys } from './snake-case';

/**
 * Bot API 6.6 renamed the thumbnail fields of inline results (`thumb_url` became
 * `thumbnail_url`, and so on); Bottender 1.x handlers still write the old names, in camelCase
 * (`{ type: 'photo', photoUrl, thumbUrl }`). The old name is sent under the new one, unless the
 * result names both.
 */
const RENAMED_THUMBNAIL_FIELDS: readonly (readonly [string, string])[] = [
  ['thumb_url', 'thumbnail_url'],
  ['thumb_width', 'thumbnail_width'],
  ['thumb_height', 'thumbnail_height'],
  ['thumb_mime_type', 'thumbnail_mime_type'],
];

/**
 * The `results` of `answerInlineQuery`, checked and in the Bot API's names: an array (empty to
 * show no results) of objects with a `type` and an `id`; 1.x's camelCase keys turned into
 * snake_case, and the thumbnail fields' pre-6.6 names into today's.
 */
export function inlineQueryResults(results: unknown, method: string): InlineQueryResult[] {
  if (!Array.isArray(results)) {
    throw new TypeError(`${callee(method)} needs the results as an array (of InlineQueryResult objects), got ${describe(results)}`);
  }
  return results.map((result: unknown, index) => {
    if (!isPlainObject(result)) {
      throw new TypeError(`${callee(method)} needs results[${index}] as an object ({ type, id, ... }), got ${describe(result)}`);
    }
    for (const key of ['type', 'id']) {
      if (typeof result[key] !== 'string' || result[key] === '') {
        throw new TypeError(`${callee(method)} needs results[${index}].${key} as a non-empty string, got ${describe(result[key])}`);
      }
    }
    const params = snakeCaseKeys(result);
    let renamed: Record<string, unknown> | undefined;
    for (const [old, current] of RENAMED_THUMBNAIL_FIELDS) {
      if (params[old] === undefined || params[current] !== undefined) continue;
      renamed ??= { ...params };
      renamed[current] = renamed[old];
      delete renamed[old];
    }
    return (renamed ?? params) as unknown as InlineQueryResult;
  });
}
