// Reads the configuration, builds the relay, listens, and shuts down cleanly on a signal.
import { Counter } from 'prom-client';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { startDemo } from './demo.ts';

function failOnConfig(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  // One line per bad variable, so a start with several names every one of them.
  for (const { variable, problem } of error.problems) process.stderr.write(`sheetcast: bad configuration: ${variable}: ${problem}\n`);
  process.exit(78); // EX_CONFIG
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  failOnConfig(error);
}

// A promise nobody handled failed: a bug to fix, not a reason to drop every viewer. Logged as an
// error, counted (sheetcast_unhandled_rejections_total) and tracked, so it is seen, never hidden;
// one while the relay is still being built goes to stderr.
let onUnhandled = (reason: unknown) => void process.stderr.write(`sheetcast: unhandled rejection while starting: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
process.on('unhandledRejection', (reason) => onUnhandled(reason));

const app = await buildApp(config).catch(failOnConfig);
const unhandled = new Counter({
  name: 'sheetcast_unhandled_rejections_total',
  help: 'Promises that failed with nobody to handle them (each is a bug, logged as an error)',
  registers: [app.metrics.registry],
});
onUnhandled = (reason) => {
  unhandled.inc();
  app.errorTracker?.capture(reason, { kind: 'unhandled_rejection' });
  app.log.error({ err: reason }, 'unhandled rejection');
};
const demo = config.demo ? await startDemo(app) : null;
await app.listen({ port: config.port, host: config.host });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
app.log.info({ url: `http://${config.host}:${port}` }, 'relay listening');

if (demo) process.stdout.write(`\nSheetcast demo: a live scoreboard at ${demo.viewUrl}\n\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second signal: stop now
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
