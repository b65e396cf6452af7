// The script of the relay's `/view/:shareId` page: the page's own relay is the one that served it.
import { defineSheetcastView, setDefaultRelay } from '../view/sheetcast-view.ts';
import { MODE_NAMES } from '../view/modes.ts';

setDefaultRelay(new URL('../', location.href).href);

// `?board&theme=dark` on the link sets the view modes as the embed attributes do.
const query = new URLSearchParams(location.search);
const view = document.querySelector('sheetcast-view');
for (const name of MODE_NAMES) {
  const value = query.get(name);
  if (value !== null) view?.setAttribute(name, value);
}
defineSheetcastView();

// The tab's title follows the sheet's (the publisher may rename it while people watch).
document.addEventListener('sheetcast-update', (event) => {
  document.title = event.detail.title ? `${event.detail.title} · Sheetcast` : 'Sheetcast';
});
