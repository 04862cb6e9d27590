import type { Connector } from 'bottender';

/**
 * How the dev console speaks one platform: which conversations and inputs the page offers, how
 * an input becomes the platform's own webhook request, and how the platform's API calls (what
 * the bot sent) are answered by the in-process fake API.
 */

/** One kind of conversation the page can chat as, e.g. a LINE group. */
export interface SourceKind {
  /** `user`, `group`, `room`, `private`, `topic`, `channel`, `thread`, `dm`, ... */
  kind: string;
  label: string;
  /** Whether the page asks for a conversation name besides the user's (a group's, a channel's). */
  named: boolean;
}

/** A field of an input form, e.g. a postback's `data`. */
export interface InputField {
  name: string;
  label: string;
  placeholder?: string;
  /** Prefilled value. */
  value?: string;
}

/** One kind of input the page can send, e.g. a LINE sticker. */
export interface InputKind {
  kind: string;
  label: string;
  fields: InputField[];
}

/** Who is talking, as picked on the page. Names are free text; each platform maps them to ids. */
export interface SourceSelection {
  kind: string;
  /** The user's display name, e.g. `alice`. */
  user: string;
  /** The conversation's name for non-user kinds, e.g. `team`; the thread or topic for nested kinds. */
  conversation?: string;
}

/** What the page asks to send. */
export interface InputSelection {
  kind: string;
  /** The fields of the input kind, by name. */
  values: Record<string, string>;
}

/** One platform's webhook request, built and signed as the platform builds and signs it. */
export interface BuiltRequest {
  /** The webhook path of the channel (its `path` in the config). */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The platform's event id (what a redelivery repeats), if it has one. */
  eventId: string | undefined;
  /** The session the event belongs to, `<platform>:<key>`. */
  sessionId: string;
  /** The reply token (LINE) or other handle the fake API will see again when the bot answers. */
  replyHandle?: string;
}

/** Messages the bot sent, as the fake API received them. */
export interface SentMessages {
  platform: string;
  /** The session the messages went to, `<platform>:<key>`, when the call names one. */
  sessionId: string | undefined;
  /** The reply token or other handle that ties the call to one event, if any. */
  replyHandle?: string;
  /** `reply`, `push`, `sendMessage`, ...: the API call. */
  via: string;
  /** The messages in the platform's own format (rendered by the page, JSON when unknown). */
  messages: unknown[];
}

/** Another call of the platform's API (a profile, a member count): shown in the event log. */
export interface ApiCall {
  platform: string;
  method: string;
  path: string;
  status: number;
  /** The reply handle of the event it belongs to, when the call names one. */
  replyHandle?: string;
  sessionId?: string;
}

/** Where a platform's fake API reports what it received. */
export interface FakeApiSink {
  messages(sent: SentMessages): void;
  call(call: ApiCall): void;
}

/** A request to the fake API, already read. */
export interface FakeApiRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The fake API's answer. */
export interface FakeApiAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What the page needs to know about a platform. */
export interface PlatformDescription {
  name: string;
  label: string;
  sources: SourceKind[];
  inputs: InputKind[];
  /** Whether events carry an id, so "send twice" shows a redelivery dropped. */
  redelivery: boolean;
  /** Whether requests are signed, so "bad signature" shows the connector refusing one. */
  signed: boolean;
  /** The input a pressed button sends, and the field its data goes in (LINE postback `data`, ...). */
  press: { kind: string; field: string };
}

/** One platform in the dev console, reached through its webhook like the real platform. */
export interface WebhookDevPlatform {
  readonly transport: 'webhook';
  readonly description: PlatformDescription;
  /** The connector events go through: the platform's own, with its API origin at the fake. */
  readonly connector: Connector;
  /** The channel's webhook path (`channels.<name>.path`). */
  readonly webhookPath: string;
  /** Builds the platform's webhook request for one input, signed as the platform signs it. */
  buildRequest(source: SourceSelection, input: InputSelection): BuiltRequest;
  /** The same event as `built`, as the platform sends it again when it got no 2xx in time. */
  redeliver(built: BuiltRequest): BuiltRequest;
  /** The same request with a signature the platform's secret did not make (the connector must refuse it). */
  tamper(built: BuiltRequest): BuiltRequest;
  /** The session id a selection maps to, without sending anything. */
  sessionIdOf(source: SourceSelection): string;
  /** Answers a call to the fake API under this platform's paths, or undefined when not its path. */
  handleApi(request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer | undefined;
}

/** What a platform without webhooks (the console) made of one input. */
export interface DirectDelivery {
  sessionId: string;
  /** The runtime's outcome as `Bot.handleEvent` returned it. */
  outcome: string;
  /** What the handler sent, in the platform's format. */
  messages: unknown[];
}

/** A platform whose events are handed to the runtime directly, as console mode does. */
export interface DirectDevPlatform {
  readonly transport: 'direct';
  readonly description: PlatformDescription;
  readonly connector: Connector;
  sessionIdOf(source: SourceSelection): string;
  /** Hands one input to the runtime; resolves once it is handled and its replies are out. */
  deliver(source: SourceSelection, input: InputSelection): Promise<DirectDelivery>;
}

export type DevPlatform = WebhookDevPlatform | DirectDevPlatform;
