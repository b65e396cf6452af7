// `/embed.js`: one script tag defines <sheetcast-view>; elements without a `relay` attribute
// talk to the relay this script was loaded from.
import { defineSheetcastView, setDefaultRelay } from '../view/sheetcast-view.ts';

const script = document.currentScript as HTMLScriptElement | null;
if (script?.src) setDefaultRelay(new URL('.', script.src).href);
defineSheetcastView();
