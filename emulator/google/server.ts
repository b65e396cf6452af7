// `npm run google-emulator`: the Google emulator for local development, on PORT (default 8090).

import { startGoogleEmulator } from './index.ts';

const port = Number(process.env.PORT ?? 8090);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(1);
}

const notificationDelayMs = Number(process.env.NOTIFICATION_DELAY_MS ?? 3000);
if (!Number.isFinite(notificationDelayMs) || notificationDelayMs < 0) {
  console.error(`NOTIFICATION_DELAY_MS must be a number of milliseconds, got ${process.env.NOTIFICATION_DELAY_MS}`);
  process.exit(1);
}

const emulator = await startGoogleEmulator({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  consent: 'page',
  notificationDelayMs,
  clientSecret: process.env.GOOGLE_CLIENT_SECRET,
});

const demo = emulator.spreadsheet('demo-spreadsheet', 'Sheetcast demo');
demo.setValues('Sheet1', 'A1:C3', [
  ['Team', 'Score', 'Updated'],
  ['Red', 0, new Date().toISOString()],
  ['Blue', 0, new Date().toISOString()],
]);

console.log(`Google emulator on ${emulator.url}
Point the relay at it:
  SHEETCAST_GOOGLE_BASE=${emulator.url} GOOGLE_CLIENT_IDS=<any id> GOOGLE_CLIENT_SECRET=<any secret> npm start
Test accounts: ${emulator.users().map((u) => u.email).join(', ')}
Spreadsheet "demo-spreadsheet" (Sheet1!A1:C3) is ready; its Score cells change every 10 s.`);

let tick = 0;
const timer = setInterval(() => {
  tick++;
  demo.setValues('Sheet1', 'B2:C3', [
    [tick, new Date().toISOString()],
    [tick * 2, new Date().toISOString()],
  ]);
}, 10_000);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(timer);
    void emulator.close().then(() => process.exit(0));
  });
}
