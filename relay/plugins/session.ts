// Signed-in viewers: a session cookie (HttpOnly, SameSite=Lax, Secure when PUBLIC_URL is https)
// holding the verified Google identity, signed with a key derived from SHEETCAST_SECRET_KEY.
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { randomBytes } from 'node:crypto';
import { deriveKeys } from '../google/crypto.ts';
import { fromOwnOrigin } from '../origin.ts';

export interface Session {
  /** Google's stable account id. */
  sub: string;
  /** Verified email (Google said `email_verified`). */
  email: string;
  /** Ms since the epoch. */
  expiresAt: number;
}

export interface Sessions {
  /** False without SHEETCAST_SECRET_KEY: nobody can sign in. */
  readonly enabled: boolean;
  readonly secure: boolean;
  read(request: FastifyRequest): Session | null;
  /**
   * The session of a WebSocket handshake, only when it comes from the relay's own pages: a
   * socket opened by another site must not ride the viewer's cookie (cross-site hijacking).
   */
  readForSocket(request: FastifyRequest): Session | null;
  start(reply: FastifyReply, identity: { sub: string; email: string }): void;
  end(reply: FastifyReply): void;
  /** A short-lived signed cookie scoped to `path` (the OAuth state). */
  setSigned(reply: FastifyReply, name: string, value: string, path: string, maxAgeSeconds: number): void;
  readSigned(request: FastifyRequest, name: string): string | null;
  clear(reply: FastifyReply, name: string, path: string): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: Sessions;
  }
}

export default fp(
  async (app) => {
    const { config } = app;
    const enabled = config.secretKey !== undefined;
    // Without the key nothing is ever signed, so a random one refuses every cookie.
    await app.register(cookie, { secret: enabled ? deriveKeys(config.secretKey!).cookies : randomBytes(32) });
    const secure = config.publicUrl.startsWith('https:');
    const ownOrigin = new URL(config.publicUrl).origin;
    // `__Host-`: the browser keeps it only from this exact origin over https, path /.
    const name = secure ? '__Host-sheetcast_session' : 'sheetcast_session';
    const base = { httpOnly: true, secure, sameSite: 'lax' as const, signed: true };

    function readSigned(request: FastifyRequest, cookieName: string): string | null {
      const raw = request.cookies[cookieName];
      if (!raw) return null;
      const { valid, value } = request.unsignCookie(raw);
      return valid ? value : null;
    }

    const sessions: Sessions = {
      enabled,
      secure,
      read(request) {
        if (!enabled) return null;
        const value = readSigned(request, name);
        if (!value) return null;
        try {
          const session = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Session;
          if (typeof session.sub !== 'string' || typeof session.email !== 'string' || !(session.expiresAt > Date.now())) return null;
          return session;
        } catch {
          return null;
        }
      },
      readForSocket(request) {
        return fromOwnOrigin(request, ownOrigin) ? sessions.read(request) : null;
      },
      start(reply, identity) {
        if (!enabled) throw new Error('sessions need SHEETCAST_SECRET_KEY');
        const session: Session = { sub: identity.sub, email: identity.email, expiresAt: Date.now() + config.google.sessionTtlMs };
        reply.setCookie(name, Buffer.from(JSON.stringify(session)).toString('base64url'), {
          ...base,
          path: '/',
          maxAge: Math.floor(config.google.sessionTtlMs / 1000),
        });
      },
      end(reply) {
        reply.clearCookie(name, { ...base, path: '/' });
      },
      setSigned(reply, cookieName, value, path, maxAgeSeconds) {
        reply.setCookie(cookieName, value, { ...base, path, maxAge: maxAgeSeconds });
      },
      readSigned,
      clear(reply, cookieName, path) {
        reply.clearCookie(cookieName, { ...base, path });
      },
    };
    app.decorate('sessions', sessions);
  },
  { name: 'session' },
);
