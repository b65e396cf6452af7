// The script of the relay's `/view/:shareId` page: the page's own relay is the one that served it.
import { defineSheetcastView, setDefaultRelay } from '../view/sheetcast-view.ts';

setDefaultRelay(new URL('../', location.href).href);
defineSheetcastView();

// The tab's title follows the sheet's (the publisher may rename it while people watch).
document.addEventListener('sheetcast-update', (event) => {
  document.title = event.detail.title ? `${event.detail.title} · Sheetcast` : 'Sheetcast';
});
