// The add-on menu and the sidebar page.

/** Builds the menu. Runs in every AuthMode, NONE included: it touches no other service. */
export function addMenu(): void {
  SpreadsheetApp.getUi()
    .createAddonMenu()
    .addItem('Open Sheetcast', 'showSidebar')
    .addItem('Publish the selection', 'publishSelection')
    .addItem('Stop publishing', 'stopPublishing')
    .addToUi();
}

export function openSidebar(): void {
  const page = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('Sheetcast');
  SpreadsheetApp.getUi().showSidebar(page);
}

export function alert(message: string): void {
  SpreadsheetApp.getUi().alert(message);
}
