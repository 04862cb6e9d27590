// What the bot sent, rendered readably. Each platform's message format has its renderer; a kind
// no renderer knows is shown as its JSON, never dropped. `act` sends what a click on a button
// sends on the platform: { kind: 'postback', data } or { kind: 'text', text }.
import { html } from './html.js';
import { renderFlex } from './flex.js';

export function Message({ platform, message, act }) {
  const render = platform === 'line' || platform === 'console' ? lineMessage : undefined;
  const rendered = render?.(message, act);
  return rendered ?? html`<${Unknown} message=${message} />`;
}

export function Unknown({ message, note }) {
  return html`<div class="msg unknown">
    <div class="kind">${note ?? `${message?.type ?? 'unknown'} (shown as JSON)`}</div>
    <pre>${JSON.stringify(message, null, 2)}</pre>
  </div>`;
}

/** A LINE action as a button: postback and message actions send; a URI opens. */
export function ActionButton({ action, act, className = 'action' }) {
  if (!action) return null;
  const label = action.label ?? action.displayText ?? action.text ?? action.type;
  switch (action.type) {
    case 'postback':
    case 'datetimepicker':
      return html`<button class=${className} data-postback=${action.data} onClick=${() => act({ kind: 'postback', data: action.data })}>${label}</button>`;
    case 'message':
      return html`<button class=${className} onClick=${() => act({ kind: 'text', text: action.text })}>${label}</button>`;
    case 'uri':
      return html`<a class=${className} href=${action.uri} target="_blank" rel="noopener noreferrer">${label} ↗</a>`;
    default:
      return html`<button class=${className} disabled title=${`${action.type} actions cannot be pressed here`}>${label}</button>`;
  }
}

function QuickReply({ quickReply, act }) {
  const items = quickReply?.items;
  if (!Array.isArray(items) || items.length === 0) return null;
  return html`<div class="quick-replies">${items.map((item) => html`<${ActionButton} action=${item.action} act=${act} className="chip" />`)}</div>`;
}

function lineMessage(message, act) {
  if (typeof message !== 'object' || message === null) return undefined;
  const body = lineBody(message, act);
  if (body === undefined) return undefined;
  return html`<div class="line-message">${body}<${QuickReply} quickReply=${message.quickReply} act=${act} /></div>`;
}

function lineBody(m, act) {
  switch (m.type) {
    case 'text':
    case 'textV2':
      return html`<div class="msg text">${m.text}</div>`;
    case 'image':
      return html`<div class="msg image"><img src=${m.previewImageUrl ?? m.originalContentUrl} alt="image" /><div class="caption">image</div></div>`;
    case 'video':
      return html`<div class="msg media"><img src=${m.previewImageUrl} alt="video preview" /><div class="caption">▶ video</div></div>`;
    case 'audio':
      return html`<div class="msg media">♪ audio, ${Math.round((m.duration ?? 0) / 1000)} s</div>`;
    case 'location':
      return html`<div class="msg card location">
        <div class="title">📍 ${m.title}</div>
        <div>${m.address}</div>
        <div class="muted">${m.latitude}, ${m.longitude}</div>
      </div>`;
    case 'sticker':
      return html`<div class="msg sticker" title="LINE sticker">
        <div class="sticker-face">☺</div>
        <div class="muted">sticker ${m.packageId}/${m.stickerId}</div>
      </div>`;
    case 'template':
      return lineTemplate(m, act);
    case 'flex':
      return html`<div class="flex-message" title=${m.altText}>${renderFlex(m.contents, act)}</div>`;
    case 'imagemap':
      return html`<div class="msg card">
        <img src=${`${m.baseUrl}/700`} alt=${m.altText} />
        <div class="muted">imagemap: ${m.altText}</div>
        <div class="actions">${(m.actions ?? []).map((a) =>
          a.type === 'message'
            ? html`<button class="action" onClick=${() => act({ kind: 'text', text: a.text })}>${a.label ?? a.text}</button>`
            : html`<a class="action" href=${a.linkUri} target="_blank" rel="noopener noreferrer">${a.label ?? a.linkUri}</a>`,
        )}</div>
      </div>`;
    default:
      return undefined;
  }
}

function lineTemplate(m, act) {
  const t = m.template ?? {};
  const column = (c, key) => html`<div class="card column" key=${key}>
    ${c.thumbnailImageUrl ? html`<img src=${c.thumbnailImageUrl} alt="" />` : null}
    ${c.title ? html`<div class="title">${c.title}</div>` : null}
    ${c.text ? html`<div>${c.text}</div>` : null}
    <div class="actions">${(c.actions ?? []).map((a) => html`<${ActionButton} action=${a} act=${act} />`)}</div>
  </div>`;
  switch (t.type) {
    case 'buttons':
      return html`<div class="msg template buttons" title=${m.altText}>${column(t, 0)}</div>`;
    case 'confirm':
      return html`<div class="msg template confirm card" title=${m.altText}>
        <div>${t.text}</div>
        <div class="actions row">${(t.actions ?? []).map((a) => html`<${ActionButton} action=${a} act=${act} />`)}</div>
      </div>`;
    case 'carousel':
      return html`<div class="msg template carousel" title=${m.altText}>${(t.columns ?? []).map(column)}</div>`;
    case 'image_carousel':
      return html`<div class="msg template carousel" title=${m.altText}>${(t.columns ?? []).map((c, i) => html`<div class="card column" key=${i}>
        <img src=${c.imageUrl} alt="" /><${ActionButton} action=${c.action} act=${act} />
      </div>`)}</div>`;
    default:
      return undefined;
  }
}
