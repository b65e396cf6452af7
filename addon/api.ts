// The sidebar's contract with the add-on lives with the rest of the wire contract.
export type { PublishOptions, RecentSend, ServerFunctions, SidebarState } from '../protocol/sidebar.ts';
