// The sidebar's webhook functions: the published doc's endpoints, added and removed on the relay
// as the doc's owner (the publisher's ID token), listed with their state.
import type { SidebarWebhook } from '../protocol/sidebar.ts';
import type { CreateWebhookResponse, WebhookList } from '../protocol/webhooks.ts';
import { loadState } from './gas/properties.ts';
import { callRelay, identityToken } from './gas/relay.ts';

function webhooksPath(): string {
  const doc = loadState().state.doc;
  if (!doc) throw new Error('Publish first: webhooks belong to a published doc.');
  return `/v1/docs/${encodeURIComponent(doc.docId)}/webhooks`;
}

/** The relay's answer, or the reason it refused in words. */
function ask(method: GoogleAppsScript.URL_Fetch.HttpMethod, path: string, payload?: string): unknown {
  const answer = callRelay(method, path, identityToken(), payload);
  if (answer.outcome !== 'sent') throw new Error(answer.problem);
  return answer.body;
}

export function listWebhooks(): SidebarWebhook[] {
  const list = ask('get', webhooksPath()) as WebhookList;
  return list.map(({ id, url, state, lastError, disabledAt }) => ({ id, url, state, lastError, disabledAt }));
}

export function addWebhook(url: string): { id: string; secret: string; webhooks: SidebarWebhook[] } {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url.trim())) throw new Error('A webhook is an https:// address.');
  const created = ask('post', webhooksPath(), JSON.stringify({ url: url.trim() })) as CreateWebhookResponse;
  return { id: created.id, secret: created.secret, webhooks: listWebhooks() };
}

export function removeWebhook(id: string): SidebarWebhook[] {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error('Not a webhook of this doc.');
  ask('delete', `${webhooksPath()}/${id}`);
  return listWebhooks();
}
