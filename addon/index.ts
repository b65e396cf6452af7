// Exactly the functions Apps Script must see: the build declares each as a top-level function.
import type { SidebarCallable } from '../protocol/sidebar.ts';
import type * as AppsScriptSees from './index.ts';

export { onInstall, onOpen, onSheetEdit, onSheetChange, hourlyCheck, showSidebar, publishSelection, stopPublishing } from './triggers.ts';
export { getState, publish, unpublish, useSelection } from './publishing.ts';
export { addWebhook, listWebhooks, removeWebhook } from './webhooks.ts';

// google.script.run reaches only this file's exports, so they are what must satisfy the contract:
// a sidebar function missing here or a signature that drifted is a type error on this line.
type Checked = SidebarCallable<typeof AppsScriptSees>;
