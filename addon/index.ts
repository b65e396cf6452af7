// Exactly the functions Apps Script must see: the build declares each as a top-level function.

export { onInstall, onOpen, onSheetEdit, onSheetChange, hourlyCheck, showSidebar, publishSelection, stopPublishing } from './triggers.ts';
export { getState, publish, unpublish, useSelection } from './publishing.ts';
