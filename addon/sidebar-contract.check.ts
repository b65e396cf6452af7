// Compiled by the typecheck only (nothing imports it): the check addon/index.ts applies to its
// exports rejects a server that lacks a function or whose signature drifted from the contract.
import type { PublishOptions, ServerFunctions, SidebarCallable, SidebarState } from '../protocol/sidebar.ts';

export type Whole = SidebarCallable<ServerFunctions>;

// @ts-expect-error useSelection is missing
export type Missing = SidebarCallable<Omit<ServerFunctions, 'useSelection'>>;

// @ts-expect-error publish demands every option, which the contract leaves optional
export type Narrowed = SidebarCallable<Omit<ServerFunctions, 'publish'> & { publish: (options: Required<PublishOptions>) => SidebarState }>;

// @ts-expect-error getState answers something other than the state
export type Answer = SidebarCallable<Omit<ServerFunctions, 'getState'> & { getState: () => Omit<SidebarState, 'recent'> }>;
