// LINE Flex Messages as structured cards: bubbles with header, hero, body and footer; boxes as
// flex rows or columns; text, images, buttons (clickable), separators. Components this does not
// know are shown as their JSON inside the card.
import { html } from './html.js';
import { ActionButton } from './messages.js';

export function renderFlex(contents, act) {
  if (contents?.type === 'carousel') {
    return html`<div class="flex-carousel">${(contents.contents ?? []).map((bubble) => bubble_(bubble, act))}</div>`;
  }
  return bubble_(contents, act);
}

function bubble_(bubble, act) {
  if (bubble?.type !== 'bubble') return html`<pre class="unknown">${JSON.stringify(bubble, null, 2)}</pre>`;
  return html`<div class="flex-bubble">
    ${['header', 'hero', 'body', 'footer'].map((part) =>
      bubble[part] ? html`<div class=${`flex-${part}`}>${component(bubble[part], act)}</div>` : null,
    )}
  </div>`;
}

const SIZES = { xxs: 10, xs: 11, sm: 12, md: 14, lg: 16, xl: 18, xxl: 20, '3xl': 24, '4xl': 28, '5xl': 32 };

function component(c, act) {
  if (typeof c !== 'object' || c === null) return null;
  switch (c.type) {
    case 'box': {
      const direction = c.layout === 'vertical' ? 'column' : 'row';
      const style = `flex-direction:${direction};${c.spacing ? 'gap:6px;' : ''}${c.backgroundColor ? `background:${safeColor(c.backgroundColor)};` : ''}`;
      return html`<div class=${`flex-box ${c.layout ?? ''}`} style=${style}>${(c.contents ?? []).map((child) => component(child, act))}</div>`;
    }
    case 'text':
    case 'span': {
      const style = `${c.weight === 'bold' ? 'font-weight:600;' : ''}${SIZES[c.size] ? `font-size:${SIZES[c.size]}px;` : ''}${c.color ? `color:${safeColor(c.color)};` : ''}`;
      const text = c.contents?.length ? c.contents.map((s) => s.text).join('') : c.text;
      return html`<div class="flex-text" style=${style}>${text}</div>`;
    }
    case 'image':
      return html`<img class="flex-image" src=${c.url} alt="" />`;
    case 'icon':
      return html`<img class="flex-icon" src=${c.url} alt="" />`;
    case 'button':
      return html`<${ActionButton} action=${c.action} act=${act} className=${`action flex-button ${c.style ?? ''}`} />`;
    case 'separator':
      return html`<hr class="flex-separator" />`;
    case 'spacer':
    case 'filler':
      return html`<div class="flex-spacer"></div>`;
    case 'video':
      return html`<div class="flex-text">▶ video</div>`;
    default:
      return html`<pre class="unknown">${JSON.stringify(c, null, 2)}</pre>`;
  }
}

/** Colors come from the bot's message: only #rgb(a) values reach a style. */
function safeColor(value) {
  return /^#[0-9a-fA-F]{3,8}$/.test(String(value)) ? value : 'inherit';
}
