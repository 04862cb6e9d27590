// Chat as anyone: pick the platform, the kind of conversation and who you are, send any input
// the platform has (once, twice as a redelivery, or N at once), and see the answers rendered.
import { useEffect, useRef, useState } from 'preact/hooks';

import { api } from './api.js';
import { html } from './html.js';
import { OUTCOME_LABELS } from './event-log.js';
import { Message } from './messages.js';

export function ChatPanel({ info, picker, setPicker, entries, onError }) {
  const platform = info.platforms.find((p) => p.name === picker.platform) ?? info.platforms[0];
  const sourceKind = platform.sources.find((s) => s.kind === picker.kind) ?? platform.sources[0];
  const [inputKind, setInputKind] = useState(platform.inputs[0].kind);
  const input = platform.inputs.find((i) => i.kind === inputKind) ?? platform.inputs[0];
  const [values, setValues] = useState({});
  const [burst, setBurst] = useState(10);
  const [busy, setBusy] = useState(false);
  const transcript = useRef(null);

  useEffect(() => {
    if (transcript.current) transcript.current.scrollTop = transcript.current.scrollHeight;
  }, [entries]);

  const fieldValue = (f) => values[`${input.kind}.${f.name}`] ?? f.value ?? '';
  const source = { kind: sourceKind.kind, user: picker.user, conversation: sourceKind.named ? picker.conversation : undefined };

  const send = async (sent, mode = 'once') => {
    setBusy(true);
    try {
      await api('POST', 'send', { platform: platform.name, source, input: sent, mode });
      if (sent === undefined) return;
    } catch (error) {
      onError(error.message);
    } finally {
      setBusy(false);
    }
  };
  const current = () => ({ kind: input.kind, values: Object.fromEntries(input.fields.map((f) => [f.name, fieldValue(f)])) });
  const submit = async (mode) => {
    await send(current(), mode);
    if (input.kind === 'text' && mode === 'once') setValues({ ...values, 'text.text': '' });
  };
  // A button in a message: what pressing it on the platform sends.
  const act = (action) =>
    send(action.kind === 'postback' ? { kind: platform.press.kind, values: { ...action.values, [platform.press.field]: action.data } } : { kind: 'text', values: { text: action.text } });

  return html`<section class="panel chat">
    <div class="picker">
      <label>platform
        <select data-testid="platform" value=${platform.name} onChange=${(e) => setPicker({ ...picker, platform: e.target.value, kind: undefined })}>
          ${info.platforms.map((p) => html`<option value=${p.name}>${p.label}</option>`)}
        </select>
      </label>
      <label>as
        <select data-testid="source-kind" value=${sourceKind.kind} onChange=${(e) => setPicker({ ...picker, kind: e.target.value })}>
          ${platform.sources.map((s) => html`<option value=${s.kind}>${s.label}</option>`)}
        </select>
      </label>
      <label>user <input data-testid="user" value=${picker.user} onChange=${(e) => setPicker({ ...picker, user: e.target.value })} /></label>
      ${sourceKind.named
        ? html`<label>${sourceKind.kind} <input data-testid="conversation" value=${picker.conversation} onChange=${(e) => setPicker({ ...picker, conversation: e.target.value })} /></label>`
        : null}
    </div>
    <div class="transcript" ref=${transcript} data-testid="transcript">
      ${entries.length === 0 ? html`<p class="muted">No events in this conversation yet. Say something.</p>` : null}
      ${entries.map((e) => html`<${Exchange} key=${e.id} entry=${e} platform=${platform.name} act=${act} />`)}
    </div>
    <div class="composer">
      <select data-testid="input-kind" value=${input.kind} onChange=${(e) => setInputKind(e.target.value)}>
        ${platform.inputs.map((i) => html`<option value=${i.kind}>${i.label}</option>`)}
      </select>
      ${input.fields.map(
        (f) => html`<input data-testid=${`field-${f.name}`} placeholder=${f.placeholder ?? f.label} title=${f.label} value=${fieldValue(f)}
          onInput=${(e) => setValues({ ...values, [`${input.kind}.${f.name}`]: e.target.value })}
          onKeyDown=${(e) => e.key === 'Enter' && !busy && submit('once')} />`,
      )}
      <button class="primary" data-testid="send" disabled=${busy} onClick=${() => submit('once')}>Send</button>
      <button data-testid="send-twice" disabled=${busy} title=${platform.redelivery ? 'sends the event, then the platform\'s redelivery of it (same event id) right after' : 'this platform has no event ids: two events'} onClick=${() => submit('twice')}>Send twice</button>
      ${platform.signed
        ? html`<button data-testid="send-bad-signature" disabled=${busy} title="sends it with a signature the channel secret did not make: the connector must refuse it" onClick=${() => submit('bad-signature')}>Bad signature</button>`
        : null}
      <span class="burst">
        <button data-testid="send-burst" disabled=${busy} title="sends N different events of this conversation at the same time" onClick=${() => submit({ kind: 'burst', count: burst })}>Send N at once</button>
        <input type="number" min="1" max="50" data-testid="burst-count" value=${burst} onInput=${(e) => setBurst(Math.max(1, Math.min(50, Number(e.target.value) || 1)))} />
      </span>
    </div>
  </section>`;
}

function Exchange({ entry: e, platform, act }) {
  const failed = e.outcome !== 'handled' && e.outcome !== 'pending' && e.outcome !== 'no-session';
  return html`<div class="exchange" data-entry=${e.id}>
    ${e.origin === 'page'
      ? html`<div class="from-user"><div class="msg user">${e.input?.summary}${e.redelivery ? html` <span class="tag">(redelivery)</span>` : null}</div>
          <div class=${`note outcome-${e.outcome}`}>${failed || e.outcome === 'pending' ? OUTCOME_LABELS[e.outcome] ?? e.outcome : ''}${e.error && e.outcome === 'handler-error' ? `: ${e.error.message}` : ''}</div></div>`
      : html`<div class="from-user"><div class="msg user muted">event from the platform</div></div>`}
    ${e.messages.map((batch) =>
      batch.messages.map((m) => html`<div class="from-bot" data-via=${batch.via}><${Message} platform=${platform} message=${m} act=${act} /></div>`),
    )}
  </div>`;
}
