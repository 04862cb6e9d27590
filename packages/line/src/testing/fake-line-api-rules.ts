/**
 * The request-body checks of the fake Messaging API: the limits LINE documents for reply and
 * push (1 to 5 messages, known message types, text length, HTTPS media URLs, quick reply size),
 * reported the way LINE reports them: `{ message: "The request body has N error(s)", details }`.
 */

export interface ErrorDetail {
  message: string;
  property: string;
}

const MESSAGE_TYPES = ['text', 'textV2', 'image', 'video', 'audio', 'location', 'sticker', 'template', 'imagemap', 'flex', 'coupon'];
const MAX_TEXT = 5000;
const MAX_ALT_TEXT = 1500;
const MAX_QUICK_REPLY_ITEMS = 13;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(details: ErrorDetail[], value: unknown, property: string, max?: number): void {
  if (typeof value !== 'string' || value === '') {
    details.push({ message: 'May not be empty', property });
  } else if (max !== undefined && value.length > max) {
    details.push({ message: `Length must be between 0 and ${max}`, property });
  }
}

function httpsUrl(details: ErrorDetail[], value: unknown, property: string): void {
  if (typeof value !== 'string' || value === '') {
    details.push({ message: 'May not be empty', property });
  } else if (!value.startsWith('https://') || value.length > 2000) {
    details.push({ message: 'Must be a valid HTTPS URL of at most 2000 characters', property });
  }
}

function checkMessage(details: ErrorDetail[], message: unknown, at: string): void {
  if (!isObject(message)) {
    details.push({ message: 'Must be an object', property: at });
    return;
  }
  const type = message.type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type)) {
    details.push({ message: `Must be one of the following values: [${MESSAGE_TYPES.join(', ')}]`, property: `${at}.type` });
    return;
  }
  switch (type) {
    case 'text':
      nonEmptyString(details, message.text, `${at}.text`, MAX_TEXT);
      break;
    case 'sticker':
      nonEmptyString(details, message.packageId, `${at}.packageId`);
      nonEmptyString(details, message.stickerId, `${at}.stickerId`);
      break;
    case 'image':
    case 'video':
      httpsUrl(details, message.originalContentUrl, `${at}.originalContentUrl`);
      httpsUrl(details, message.previewImageUrl, `${at}.previewImageUrl`);
      break;
    case 'flex': {
      nonEmptyString(details, message.altText, `${at}.altText`, MAX_ALT_TEXT);
      const contentsType = isObject(message.contents) ? message.contents.type : undefined;
      if (contentsType !== 'bubble' && contentsType !== 'carousel') {
        details.push({ message: 'Must be one of the following values: [bubble, carousel]', property: `${at}.contents.type` });
      }
      break;
    }
    case 'location':
      nonEmptyString(details, message.title, `${at}.title`);
      nonEmptyString(details, message.address, `${at}.address`);
      if (typeof message.latitude !== 'number') details.push({ message: 'May not be null', property: `${at}.latitude` });
      if (typeof message.longitude !== 'number') details.push({ message: 'May not be null', property: `${at}.longitude` });
      break;
    default:
      break;
  }
  if (message.quickReply !== undefined) {
    const items = isObject(message.quickReply) ? message.quickReply.items : undefined;
    if (!Array.isArray(items) || items.length < 1 || items.length > MAX_QUICK_REPLY_ITEMS) {
      details.push({ message: `Size must be between 1 and ${MAX_QUICK_REPLY_ITEMS}`, property: `${at}.quickReply.items` });
    } else {
      items.forEach((item, i) => {
        if (!isObject(item) || !isObject(item.action) || typeof item.action.type !== 'string') {
          details.push({ message: 'May not be null', property: `${at}.quickReply.items[${i}].action` });
        }
      });
    }
  }
}

/** Checks the `messages` array shared by reply and push. */
export function checkMessages(details: ErrorDetail[], messages: unknown): void {
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) {
    details.push({ message: 'Size must be between 1 and 5', property: 'messages' });
    return;
  }
  messages.forEach((message, i) => checkMessage(details, message, `messages[${i}]`));
}

/** LINE's ids: U (user), C (group) or R (room) and 32 lower-case hex digits. */
export const LINE_ID = /^[UCR][0-9a-f]{32}$/;

/** LINE's summary line for body errors. */
export function bodyErrors(details: ErrorDetail[]): { message: string; details: ErrorDetail[] } {
  return { message: `The request body has ${details.length} error(s)`, details };
}
