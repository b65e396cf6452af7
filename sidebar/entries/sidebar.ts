// The script inlined into the add-on's `Sidebar.html`: defines <sheetcast-sidebar> and puts one
// on the page unless the page already has it, so the HTML around it can stay a bare shell.
import { defineSheetcastSidebar } from '../sidebar/sheetcast-sidebar.ts';

defineSheetcastSidebar();

// The sidebar is the whole page: its own padding replaces the body's default margin.
const page = new CSSStyleSheet();
page.replaceSync('body{margin:0}');
document.adoptedStyleSheets = [...document.adoptedStyleSheets, page];

function mount(): void {
  if (!document.querySelector('sheetcast-sidebar')) document.body.append(document.createElement('sheetcast-sidebar'));
}

if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount, { once: true });
