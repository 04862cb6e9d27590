import { request as httpRequest, Agent } from 'node:http';

import type { SessionRecord, SessionStore } from 'bottender';

import { describeError, type EventLog, type LogEntry, type LogOutcome } from './log/event-log';
import type { BuiltRequest, DevPlatform, InputSelection, SourceSelection } from './platforms/types';
import { type RuntimeReport, toLogOutcome } from './runtime-events';

/** How many events "send N at once" may send. */
export const MAX_BURST = 50;

/**
 * How an input is sent: once; twice (the event, then the platform's redelivery of it); N
 * different events at once; or once with a wrong signature, to see the connector refuse it.
 */
export type SendMode = { kind: 'once' } | { kind: 'twice' } | { kind: 'burst'; count: number } | { kind: 'bad-signature' };

export interface SenderOptions {
  log: EventLog;
  store: SessionStore;
  /** `http://127.0.0.1:<port>/<token>`: where the dev console's own webhook paths are. */
  webhookBase: () => string;
  /** Called after each event with its session, so the page sees the state it left. */
  sessionTouched: (sessionId: string) => Promise<unknown>;
  /** Called with the session as it was before the event, so the change can be shown. */
  sessionBefore?: (sessionId: string, record: SessionRecord | undefined) => void;
  now?: () => number;
}

/**
 * Sends the page's inputs through the real pipeline: a webhook platform's request goes over HTTP
 * to the dev console's own copy of the runtime's request handler (the same code path, headers and
 * signature check as a platform's request), the console platform's event to `Bot.handleEvent`.
 * Each event gets a log entry, which the runtime's report (or the answer) completes.
 */
export class Sender {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: MAX_BURST });
  #batches = 0;

  constructor(private readonly options: SenderOptions) {}

  /** Sends one input the way `mode` says; resolves with the log entries once all are answered. */
  async send(platform: DevPlatform, source: SourceSelection, input: InputSelection, mode: SendMode): Promise<LogEntry[]> {
    const summary = summarize(input);
    const count = mode.kind === 'burst' ? mode.count : mode.kind === 'twice' ? 2 : 1;
    const batch = mode.kind === 'burst' || mode.kind === 'twice' ? { id: ++this.#batches, kind: mode.kind, size: count } : undefined;
    const entryFields = (index: number) => ({
      platform: platform.description.name,
      origin: 'page' as const,
      source,
      input: { ...input, summary: mode.kind === 'bad-signature' ? `${summary} (bad signature)` : summary },
      batch: batch && { ...batch, index },
      at: this.#now(),
      outcome: 'pending' as LogOutcome,
    });
    if (platform.transport === 'direct') {
      if (mode.kind === 'bad-signature') throw new RangeError(`${platform.description.label} events are not signed`);
      // The console platform has no event ids: "twice" is two events, as a user typing twice.
      return Promise.all(Array.from({ length: count }, (_, i) => this.#deliverDirect(platform, source, input, entryFields(i))));
    }
    const built = platform.buildRequest(source, input);
    const first = mode.kind === 'bad-signature' ? platform.tamper(built) : built;
    const requests: BuiltRequest[] =
      mode.kind === 'twice'
        ? [first, platform.redeliver(first)]
        : [first, ...Array.from({ length: count - 1 }, () => platform.buildRequest(source, input))];
    const before = await this.#read(first.sessionId);
    this.options.sessionBefore?.(first.sessionId, before);
    // Created before any is sent, so each runtime report finds its entry.
    const entries = requests.map((built, i) =>
      this.options.log.add({
        ...entryFields(i),
        sessionId: built.sessionId,
        eventId: built.eventId,
        redelivery: mode.kind === 'twice' && i === 1 ? true : undefined,
        replyHandle: i === 0 || mode.kind !== 'twice' ? built.replyHandle : undefined,
      }),
    );
    if (mode.kind === 'twice') {
      // A platform redelivers after the first delivery went unanswered in time, so the second
      // follows the first; "send N at once" is the one that races events against each other.
      await this.#post(requests[0], entries[0], before);
      await this.#post(requests[1], entries[1], before);
    } else {
      await Promise.all(requests.map((built, i) => this.#post(built, entries[i], before)));
    }
    await this.options.sessionTouched(first.sessionId);
    return entries;
  }

  /** Completes an entry from the runtime's report; unknown events (from the platform itself) get one. */
  report(report: RuntimeReport): LogEntry {
    const { log } = this.options;
    const entry =
      log.pendingFor(report) ??
      log.add({
        platform: report.platform,
        sessionId: report.sessionId,
        eventId: report.eventId,
        origin: 'platform',
        at: this.#now(),
        outcome: 'pending',
      });
    entry.reported = true;
    log.claim(entry);
    entry.outcome = report.outcome;
    entry.handlerMs = report.handlerMs;
    if (report.error !== undefined) entry.error = describeError(report.error);
    log.changed(entry);
    if (entry.origin === 'platform' && report.sessionId) void this.options.sessionTouched(report.sessionId).catch(() => {});
    return entry;
  }

  close(): void {
    this.#agent.destroy();
  }

  async #post(built: BuiltRequest, entry: LogEntry, before: SessionRecord | undefined): Promise<void> {
    const started = performance.now();
    let status: number;
    let body: string;
    try {
      ({ status, body } = await post(this.#agent, `${this.options.webhookBase()}${built.path}`, built.headers, built.body));
    } catch (error) {
      entry.outcome = 'failed';
      entry.error = describeError(error);
      this.options.log.changed(entry);
      return;
    }
    entry.totalMs = Math.round((performance.now() - started) * 10) / 10;
    entry.status = status;
    // Without the runtime's report (a Bot without observe), messages are claimed at the answer.
    if (!entry.reported) this.options.log.claim(entry);
    if (status >= 400 && status < 500) {
      // Refused by the connector before the runtime saw it (signature, body): no report comes.
      entry.outcome = 'refused';
      entry.error ??= { name: `HTTP ${status}`, message: body };
    } else if (!entry.reported) {
      // No report from the runtime (a Bot without the hook): read the outcome from the answer.
      const duplicate = built.eventId !== undefined && before?.eventIds.includes(built.eventId);
      entry.outcome = status === 503 ? 'store-unavailable' : status >= 500 ? 'failed' : duplicate ? 'duplicate' : 'handled';
    }
    if (status >= 500) entry.error ??= { name: `HTTP ${status}`, message: body };
    this.options.log.changed(entry);
  }

  async #deliverDirect(
    platform: Extract<DevPlatform, { transport: 'direct' }>,
    source: SourceSelection,
    input: InputSelection,
    fields: Omit<LogEntry, 'id' | 'messages' | 'calls' | 'sessionId' | 'eventId'>,
  ): Promise<LogEntry> {
    const sessionId = platform.sessionIdOf(source);
    this.options.sessionBefore?.(sessionId, await this.#read(sessionId));
    const entry = this.options.log.add({ ...fields, sessionId, eventId: undefined });
    const started = performance.now();
    try {
      const delivery = await platform.deliver(source, input);
      if (!entry.reported) entry.outcome = toLogOutcome(delivery.outcome);
      if (delivery.messages.length > 0) entry.messages.push({ via: 'reply', messages: delivery.messages, at: this.#now() });
    } catch (error) {
      entry.outcome = (error as Error)?.name?.includes('Store') || (error as Error)?.name === 'SessionBusyError' ? 'store-unavailable' : 'failed';
      entry.error ??= describeError(error);
    }
    entry.totalMs = Math.round((performance.now() - started) * 10) / 10;
    this.options.log.changed(entry);
    await this.options.sessionTouched(sessionId);
    return entry;
  }

  async #read(sessionId: string): Promise<SessionRecord | undefined> {
    try {
      return await this.options.store.read(sessionId);
    } catch {
      return undefined;
    }
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** A short line for the log and the chat: `text "hi"`, `postback action=buy`. */
export function summarize(input: InputSelection): string {
  const { label, blockId: _blockId, ...rest } = input.values ?? {};
  // A pressed button is shown by its label, as the platform shows it to the user.
  const values = Object.values(rest).filter((v) => v !== '');
  if (label) return `${input.kind} "${label}" (${values.join(' ')})`;
  return values.length === 0 ? input.kind : `${input.kind} ${values.join(' ')}`;
}

function post(agent: Agent, url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
