// Security headers on every response (SPEC.md, "Operations"), by @fastify/helmet. Each HTML page
// sets its own Content-Security-Policy, since each loads different things.
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

const YEAR_S = 365 * 24 * 3600;

export default fp(
  async (app) => {
    const tls = new URL(app.config.publicUrl).protocol === 'https:';
    await app.register(helmet, {
      contentSecurityPolicy: false,
      // Other sites' pages load embed.js and read shares' snapshots.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      // The Google connect popup reports back to the page that opened it.
      crossOriginOpenerPolicy: false,
      // Only a relay reached over HTTPS may tell browsers to insist on it.
      strictTransportSecurity: tls ? { maxAge: YEAR_S, includeSubDomains: false } : false,
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    });
  },
  { name: 'headers' },
);
