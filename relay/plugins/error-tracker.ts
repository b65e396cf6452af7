// Error tracking (SPEC.md, "Operations"): with SENTRY_DSN, every 5xx the relay answers and every
// unhandled rejection goes to Sentry, tagged with the request id and doc id. Only the error and
// those tags are sent: no request, headers, cookies or body, so no token or key can leave.
import fp from 'fastify-plugin';

export interface ErrorTracker {
  capture(error: unknown, tags: Record<string, string | undefined>): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Null without SENTRY_DSN. */
    errorTracker: ErrorTracker | null;
  }
}

export default fp(
  async (app) => {
    const dsn = app.config.sentryDsn;
    if (!dsn) return void app.decorate('errorTracker', null);
    // Loaded only when configured: importing the SDK costs about 0.7 s of start-up.
    const Sentry = await import('@sentry/node');
    Sentry.init({ dsn, defaultIntegrations: false, tracesSampleRate: 0 });
    app.decorate('errorTracker', {
      capture(error, tags) {
        Sentry.withScope((scope) => {
          for (const [key, value] of Object.entries(tags)) if (value !== undefined) scope.setTag(key, value);
          Sentry.captureException(error);
        });
      },
    });
    app.addHook('onClose', async () => void (await Sentry.close(2_000)));
  },
  { name: 'error-tracker' },
);
