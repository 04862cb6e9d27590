import type { messagingApi } from '@line/bot-sdk';

import { requireArray, requireObject, requireString } from './checks';
import { type LineMessageOptions, readOptions, withOptions } from './message-options';

/**
 * Template messages in the argument shapes of Bottender 1.x: any template with
 * `(altText, template)`, and the four template types with their own arguments (a buttons or
 * confirm template without its `type`, carousel columns with the image settings among the
 * options). See messages.ts for how the context uses them.
 */

export type LineButtonsTemplate = Omit<messagingApi.ButtonsTemplate, 'type'>;
export type LineConfirmTemplate = Omit<messagingApi.ConfirmTemplate, 'type'>;

/** A carousel's options: the image settings go into the template, the rest onto the message. */
export type LineCarouselOptions = LineMessageOptions & {
  imageAspectRatio?: 'rectangle' | 'square';
  imageSize?: 'cover' | 'contain';
};

const TEMPLATE_TYPES = ['buttons', 'confirm', 'carousel', 'image_carousel'];

export function template(
  method: string,
  altText: string,
  template: messagingApi.Template,
  options?: LineMessageOptions | null,
): messagingApi.TemplateMessage {
  requireString(altText, method, 'altText');
  const type = (template as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !TEMPLATE_TYPES.includes(type)) {
    throw new TypeError(`context.${method}() needs a template of type ${TEMPLATE_TYPES.map((t) => `"${t}"`).join(', ')}`);
  }
  return withOptions({ type: 'template', altText, template }, method, readOptions(method, options));
}

export function buttonsTemplate(
  method: string,
  altText: string,
  buttons: LineButtonsTemplate,
  options?: LineMessageOptions | null,
): messagingApi.TemplateMessage {
  requireObject(buttons, method, 'the buttons template ({ text, actions, ... })');
  const built = withoutUndefined<messagingApi.ButtonsTemplate>({
    type: 'buttons',
    thumbnailImageUrl: buttons.thumbnailImageUrl,
    imageAspectRatio: buttons.imageAspectRatio,
    imageSize: buttons.imageSize,
    imageBackgroundColor: buttons.imageBackgroundColor,
    title: buttons.title,
    text: requireString(buttons.text, method, 'text'),
    defaultAction: buttons.defaultAction,
    actions: requireArray(buttons.actions, method, 'actions') as messagingApi.Action[],
  });
  return template(method, altText, built, options);
}

export function confirmTemplate(
  method: string,
  altText: string,
  confirm: LineConfirmTemplate,
  options?: LineMessageOptions | null,
): messagingApi.TemplateMessage {
  requireObject(confirm, method, 'the confirm template ({ text, actions })');
  const built: messagingApi.ConfirmTemplate = {
    type: 'confirm',
    text: requireString(confirm.text, method, 'text'),
    actions: requireArray(confirm.actions, method, 'actions') as messagingApi.Action[],
  };
  return template(method, altText, built, options);
}

export function carouselTemplate(
  method: string,
  altText: string,
  columns: messagingApi.CarouselColumn[],
  options?: LineCarouselOptions | null,
): messagingApi.TemplateMessage {
  const opts = readOptions(method, options);
  const carousel = withoutUndefined<messagingApi.CarouselTemplate>({
    type: 'carousel',
    columns: requireArray(columns, method, 'columns') as messagingApi.CarouselColumn[],
    imageAspectRatio: opts.imageAspectRatio as string | undefined,
    imageSize: opts.imageSize as string | undefined,
  });
  return template(method, altText, carousel, opts);
}

export function imageCarouselTemplate(
  method: string,
  altText: string,
  columns: messagingApi.ImageCarouselColumn[],
  options?: LineMessageOptions | null,
): messagingApi.TemplateMessage {
  const carousel: messagingApi.ImageCarouselTemplate = {
    type: 'image_carousel',
    columns: requireArray(columns, method, 'columns') as messagingApi.ImageCarouselColumn[],
  };
  return template(method, altText, carousel, options);
}

/** Drops keys set to undefined, so the template holds only what the handler gave. */
function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
