// What the bot sent, rendered readably. Each platform's message format has its renderer; a kind
// no renderer knows is shown as its JSON, never dropped. `act` sends what a click on a button
// sends on the platform: { kind: 'postback', data } or { kind: 'text', text }.
import { html } from './html.js';
import { renderFlex } from './flex.js';

export function Message({ platform, message, act }) {
  const render = platform === 'line' || platform === 'console' ? lineMessage : platform === 'telegram' ? telegramMessage : platform === 'slack' ? slackMessage : undefined;
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

// Telegram: what the bot called (`sendMessage`, `sendPhoto`, ...) with its parameters.
function telegramMessage(m, act) {
  if (typeof m !== 'object' || m === null || typeof m.method !== 'string') return undefined;
  const body = telegramBody(m);
  if (body === undefined) return undefined;
  return html`<div class="telegram-message">
    ${m.method.startsWith('edit') ? html`<div class="caption">edited message ${m.message_id ?? ''}</div>` : null}
    ${body}
    <${TelegramMarkup} markup=${m.reply_markup} act=${act} />
  </div>`;
}

function telegramBody(m) {
  const media = (url, label) =>
    typeof url === 'string' && /^https:\/\//.test(url)
      ? html`<div class="msg image"><img src=${url} alt=${label} />${m.caption ? html`<div>${m.caption}</div>` : html`<div class="caption">${label}</div>`}</div>`
      : html`<div class="msg media">${label}: ${typeof url === 'string' ? url : 'uploaded file'}${m.caption ? html`<div>${m.caption}</div>` : null}</div>`;
  switch (m.method) {
    case 'sendMessage':
    case 'editMessageText':
      return html`<div class="msg text">${m.text}</div>`;
    case 'sendPhoto':
      return media(m.photo, 'photo');
    case 'sendAnimation':
      return media(m.animation, 'animation');
    case 'sendVideo':
      return media(m.video, '▶ video');
    case 'sendDocument':
      return media(m.document, 'document');
    case 'sendAudio':
    case 'sendVoice':
      return media(m.audio ?? m.voice, '♪ audio');
    case 'sendSticker':
      return html`<div class="msg sticker"><div class="sticker-face">☺</div><div class="muted">sticker ${String(m.sticker).slice(0, 24)}</div></div>`;
    case 'sendLocation':
    case 'sendVenue':
      return html`<div class="msg card location"><div class="title">📍 ${m.title ?? 'location'}</div>${m.address ? html`<div>${m.address}</div>` : null}<div class="muted">${m.latitude}, ${m.longitude}</div></div>`;
    case 'sendDice':
      return html`<div class="msg text">${m.emoji ?? '🎲'} (dice)</div>`;
    case 'sendPoll':
      return html`<div class="msg card"><div class="title">📊 ${m.question}</div>${(m.options ?? []).map((o) => html`<div class="action">${typeof o === 'string' ? o : o.text}</div>`)}</div>`;
    case 'editMessageReplyMarkup':
      return html`<div class="caption">buttons changed</div>`;
    default:
      return undefined;
  }
}

/** Inline keyboards (callback and URL buttons) and reply keyboards (each key sends its text). */
function TelegramMarkup({ markup, act }) {
  if (!markup || typeof markup !== 'object') return null;
  if (Array.isArray(markup.inline_keyboard)) {
    return html`<div class="keyboard">${markup.inline_keyboard.map(
      (row) => html`<div class="keyboard-row">${row.map((b) =>
        b.callback_data !== undefined
          ? html`<button class="action" data-callback=${b.callback_data} onClick=${() => act({ kind: 'postback', data: b.callback_data })}>${b.text}</button>`
          : b.url
            ? html`<a class="action" href=${b.url} target="_blank" rel="noopener noreferrer">${b.text} ↗</a>`
            : html`<button class="action" disabled>${b.text}</button>`,
      )}</div>`,
    )}</div>`;
  }
  if (Array.isArray(markup.keyboard)) {
    return html`<div class="quick-replies">${markup.keyboard.flat().map((k) => {
      const text = typeof k === 'string' ? k : k.text;
      return html`<button class="chip" onClick=${() => act({ kind: 'text', text })}>${text}</button>`;
    })}</div>`;
  }
  return null;
}

// Slack: chat.postMessage (and response_url) bodies: text, and blocks as sections and buttons.
function slackMessage(m, act) {
  if (typeof m !== 'object' || m === null) return undefined;
  const blocks = Array.isArray(m.blocks) ? m.blocks : undefined;
  if (!blocks && typeof m.text !== 'string') return undefined;
  return html`<div class="slack-message">
    ${m.thread_ts ? html`<div class="caption">in thread ${m.thread_ts}</div>` : null}
    ${m.response_type ? html`<div class="caption">${m.response_type === 'ephemeral' ? 'only visible to you' : 'in channel'}${m.replace_original ? ', replacing the original' : ''}</div>` : null}
    ${blocks ? html`<div class="msg card slack-blocks">${blocks.map((b) => slackBlock(b, act))}</div>` : html`<div class="msg text">${m.text}</div>`}
  </div>`;
}

const slackText = (t) => (t && typeof t === 'object' ? (t.type === 'mrkdwn' ? mrkdwn(t.text) : t.text) : t);

/** Slack's mrkdwn, the common part: *bold*, _italic_, ~strike~, `code`, <url|label>. As text nodes, never HTML. */
function mrkdwn(text) {
  if (typeof text !== 'string') return text;
  const parts = [];
  const pattern = /\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~|`([^`\n]+)`|<(https?:[^|>\s]+)(?:\|([^>]+))?>/g;
  let last = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    parts.push(text.slice(last, m.index));
    if (m[1] !== undefined) parts.push(html`<b>${m[1]}</b>`);
    else if (m[2] !== undefined) parts.push(html`<i>${m[2]}</i>`);
    else if (m[3] !== undefined) parts.push(html`<s>${m[3]}</s>`);
    else if (m[4] !== undefined) parts.push(html`<code>${m[4]}</code>`);
    else parts.push(html`<a href=${m[5]} target="_blank" rel="noopener noreferrer">${m[6] ?? m[5]}</a>`);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function slackBlock(b, act) {
  switch (b?.type) {
    case 'section':
      return html`<div class="slack-section">
        ${b.text ? html`<div>${slackText(b.text)}</div>` : null}
        ${Array.isArray(b.fields) ? html`<div class="slack-fields">${b.fields.map((f) => html`<div>${slackText(f)}</div>`)}</div>` : null}
        ${b.accessory ? slackElement(b.accessory, b.block_id, act) : null}
      </div>`;
    case 'header':
      return html`<div class="title">${slackText(b.text)}</div>`;
    case 'divider':
      return html`<hr class="flex-separator" />`;
    case 'context':
      return html`<div class="muted small">${(b.elements ?? []).map((e) => (e.type === 'image' ? html`<img class="flex-icon" src=${e.image_url} alt=${e.alt_text} />` : slackText(e)))}</div>`;
    case 'image':
      return html`<img src=${b.image_url} alt=${b.alt_text} />`;
    case 'actions':
      return html`<div class="actions row">${(b.elements ?? []).map((e) => slackElement(e, b.block_id, act))}</div>`;
    default:
      return html`<pre class="unknown">${JSON.stringify(b, null, 2)}</pre>`;
  }
}

function slackElement(e, blockId, act) {
  if (e?.type === 'button') {
    if (e.url) return html`<a class="action" href=${e.url} target="_blank" rel="noopener noreferrer">${slackText(e.text)} ↗</a>`;
    return html`<button class=${`action ${e.style ?? ''}`} data-action-id=${e.action_id}
      onClick=${() => act({ kind: 'postback', data: e.value ?? '', values: { actionId: e.action_id ?? '', blockId: blockId ?? '', label: slackText(e.text) ?? '' } })}>${slackText(e.text)}</button>`;
  }
  if (e?.type === 'image') return html`<img class="flex-icon" src=${e.image_url} alt=${e.alt_text} />`;
  return html`<pre class="unknown">${JSON.stringify(e, null, 2)}</pre>`;
}
