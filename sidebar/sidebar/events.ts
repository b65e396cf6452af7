// What the sidebar's sections ask of <sheetcast-sidebar>, which owns the calls to the add-on.
import type { PublishOptions } from '../../protocol/sidebar.ts';
import type { ViewSettings } from '../../protocol/wire.ts';

/** Asks the sidebar to publish (or, when live, to update the doc with) these options. */
export function publishRequest(options: PublishOptions): CustomEvent<PublishOptions> {
  return new CustomEvent('publish-request', { detail: options, bubbles: true, composed: true });
}

/** A problem to show in words; '' clears it. */
export function sidebarProblem(message: string): CustomEvent<string> {
  return new CustomEvent('sidebar-problem', { detail: message, bubbles: true, composed: true });
}

export function viewChange(settings: ViewSettings): CustomEvent<ViewSettings> {
  return new CustomEvent('view-change', { detail: settings, bubbles: true, composed: true });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function inputValue(event: Event): string {
  return (event.target as HTMLInputElement | HTMLTextAreaElement).value;
}

declare global {
  interface HTMLElementEventMap {
    'publish-request': CustomEvent<PublishOptions>;
    'sidebar-problem': CustomEvent<string>;
    'view-change': CustomEvent<ViewSettings>;
  }
}
