// What the add-on's sidebar exchanges with the add-on's server functions through
// google.script.run (SPEC.md, "The add-on"). Types only: both sides bundle this file.
import type { Access, PublishedRange, ViewSettings } from './wire.ts';

/** A batch the add-on delivered to the relay, as the sidebar lists it. */
export interface RecentSend {
  /** ms since the epoch */
  at: number;
  kind: 'edits' | 'snapshot';
  cells: number;
  /** `Sheet1!B2:C3`, one per range in the batch. */
  ranges: string[];
}

export interface PublishOptions {
  title?: string;
  ranges: PublishedRange[];
  access?: Access;
  allow?: string[];
  /** How the view shows the doc by default (embeds may override each). */
  view?: ViewSettings;
}

export interface SidebarState {
  /** True while this spreadsheet is published. */
  published: boolean;
  /** The doc's title when published, else the spreadsheet's name (the default title). */
  title: string;
  ranges: PublishedRange[];
  access: Access;
  allow: string[];
  /** The publisher's view settings; absent or {} until set: the defaults. */
  view?: ViewSettings;
  shareId: string | null;
  viewUrl: string | null;
  /** The relay's embed script. */
  embedUrl: string | null;
  /** Batches delivered to the relay since midnight in the spreadsheet's time zone. */
  sentToday: number;
  /** The last problem in words, unless a later send succeeded; null when all is well. */
  lastError: string | null;

  /** The relay this build of the add-on talks to. */
  relayUrl: string;
  /** The account the add-on runs as here (for triggers: the publisher). */
  user: string;
  /** `<script src=…embed.js></script><sheetcast-view share=…>` to paste into a page. */
  embedSnippet: string | null;
  /** True when the edit, change and hourly triggers are all installed for this spreadsheet. */
  triggersInstalled: boolean;
  /** Batches waiting in the outbox for the relay to answer. */
  pending: number;
  /** A snapshot will stand for batches that did not fit the outbox. */
  resync: boolean;
  lastSentAt: number | null;
  recent: RecentSend[];
}

/**
 * The functions the sidebar may call through google.script.run: the one statement of the
 * contract. The add-on's exports are checked against it (addon/index.ts) and the sidebar's
 * only caller is typed by it (sidebar/sidebar/server.ts). Properties, not methods, so that
 * parameters are compared strictly. Arguments and results cross as JSON.
 */
export interface ServerFunctions {
  getState: () => SidebarState;
  publish: (options: PublishOptions) => SidebarState;
  unpublish: () => SidebarState;
  /** The active range, as `{ sheet, range }`. */
  useSelection: () => PublishedRange;
  /** The published doc's webhooks, as the relay lists them. */
  listWebhooks: () => SidebarWebhook[];
  /** Registers an endpoint; the answer holds its signing secret, shown this once. */
  addWebhook: (url: string) => { id: string; secret: string; webhooks: SidebarWebhook[] };
  removeWebhook: (id: string) => SidebarWebhook[];
}

/** A webhook as the sidebar shows it (the relay's GET, without the delivery cursor). */
export interface SidebarWebhook {
  id: string;
  url: string;
  state: string;
  lastError: string | null;
  disabledAt: number | null;
}

/** `T`, provided it has every function of the contract with the contract's signature. */
export type SidebarCallable<T extends ServerFunctions> = T;
